import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { invalid } from '@tailor/common';
import {
  archFeatureNames,
  archFeatures,
  ensureTrainingBackend,
  loadPredictor,
  type PredictorSnapshot,
} from '@tailor/predictors';
import { defaultSearchSpacesDir, type SearchSpace } from '@tailor/search-spaces';

export const PREDICTOR_FILE_FORMAT = 'tailor-predictor-file';

/**
 * A meta-trained predictor as a file (`tailor predictor train` writes it, `POST /predictors/import`
 * and `serve` read it): the snapshot plus where it came from and how well it ranked.
 */
export interface PredictorFile {
  format: typeof PREDICTOR_FILE_FORMAT;
  version: 1;
  searchSpace: string;
  /** ISO time the training finished. */
  trainedAt: string;
  /** The latency table it was meta-trained on. */
  trainFile: { name: string; sha256: string };
  /** Meta-training devices. */
  sources: string[];
  /** Spearman per validation (checkpoint-selection) device, after adapting like a new device. */
  validation: Record<string, number>;
  /** Training options (steps, members, seed, …). */
  options: Record<string, number>;
  /**
   * The arch features the weights expect (see featureSignature): a file trained before the feature code
   * changed is refused with a message to retrain, instead of predicting nonsense.
   */
  features: FeatureSignature;
  snapshot: PredictorSnapshot;
}

export interface FeatureSignature {
  count: number;
  /** sha256 of the feature names, one per line. */
  sha256: string;
}

/** What archFeatures computes for the space now: how many values, and a hash of their names. */
export function featureSignature(space: SearchSpace): FeatureSignature {
  const names = archFeatureNames(space);
  return { count: names.length, sha256: createHash('sha256').update(names.join('\n')).digest('hex') };
}

/** Predictor files shipped with Tailor, per search space, relative to the repository root. */
export const SHIPPED_PREDICTORS: ReadonlyArray<{ searchSpace: string; file: string }> = [
  { searchSpace: 'fmnist-mbv3', file: 'device-farm/data/fmnist-mbv3-predictor.json' },
];

/**
 * Absolute paths of the shipped predictor files that exist, found like the search spaces are: beside
 * the package.json above `start` (the source tree, or the compiled app inside it).
 */
export function shippedPredictorFiles(start?: string): Array<{ searchSpace: string; path: string }> {
  let root: string;
  try {
    root = dirname(defaultSearchSpacesDir(start));
  } catch {
    return [];
  }
  return SHIPPED_PREDICTORS.map((s) => ({ searchSpace: s.searchSpace, path: join(root, s.file) })).filter(
    (s) => existsSync(s.path),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');
const isNumberRecord = (v: unknown): v is Record<string, number> =>
  isObject(v) && Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n));

/**
 * Checks a parsed predictor file's shape and that it fits the space: the format and version, the
 * snapshot's space, reference archs that parse, and weights that load and give finite predictions for
 * the space's features. Throws INVALID_ARGUMENT naming the field; returns the file typed.
 */
export async function checkPredictorFile(
  json: unknown,
  spaceOf: (id: string, field: string) => SearchSpace,
): Promise<PredictorFile> {
  if (!isObject(json)) throw invalid('file', 'must be a JSON object (a tailor-predictor-file)');
  if (json.format !== PREDICTOR_FILE_FORMAT)
    throw invalid('format', `must be "${PREDICTOR_FILE_FORMAT}", got ${JSON.stringify(json.format)}`);
  if (json.version !== 1) throw invalid('version', `must be 1, got ${JSON.stringify(json.version)}`);
  if (typeof json.searchSpace !== 'string') throw invalid('searchSpace', 'must be a string');
  const space = spaceOf(json.searchSpace, 'searchSpace');
  if (typeof json.trainedAt !== 'string' || Number.isNaN(Date.parse(json.trainedAt)))
    throw invalid('trainedAt', 'must be an ISO date');
  const trainFile = json.trainFile;
  if (!isObject(trainFile) || typeof trainFile.name !== 'string' || typeof trainFile.sha256 !== 'string')
    throw invalid('trainFile', 'must be {name, sha256}');
  if (!isStringArray(json.sources) || json.sources.length === 0)
    throw invalid('sources', 'must be a non-empty list of device ids');
  if (!isNumberRecord(json.validation)) throw invalid('validation', 'must map device ids to numbers');
  if (!isNumberRecord(json.options)) throw invalid('options', 'must map option names to numbers');
  const features = json.features;
  if (!isObject(features) || typeof features.count !== 'number' || typeof features.sha256 !== 'string')
    throw invalid('features', 'must be {count, sha256} (the arch features the weights expect)');
  const current = featureSignature(space);
  if (features.count !== current.count || features.sha256 !== current.sha256)
    throw invalid(
      'features',
      `the file was trained on ${features.count} arch features of another definition; this Tailor computes ` +
        `${current.count} (${current.sha256.slice(0, 12)}…): retrain it with \`tailor predictor train\``,
    );
  const snapshot = json.snapshot;
  if (!isObject(snapshot)) throw invalid('snapshot', 'must be an object');
  if (snapshot.format !== 'tailor-latency-predictor' || snapshot.version !== 1)
    throw invalid('snapshot', 'must be a tailor-latency-predictor snapshot of version 1');
  if (snapshot.searchSpace !== space.id)
    throw invalid(
      'snapshot.searchSpace',
      `is ${JSON.stringify(snapshot.searchSpace)}, the file is for ${space.id}`,
    );
  if (!isStringArray(snapshot.referenceArchs) || snapshot.referenceArchs.length < 2)
    throw invalid('snapshot.referenceArchs', 'must list at least 2 canonical arch strings');
  const refs = snapshot.referenceArchs.map((k, i) => space.parse(k, `snapshot.referenceArchs[${i}]`));
  if (!Array.isArray(snapshot.members) || snapshot.members.length === 0)
    throw invalid('snapshot.members', 'must hold at least one member');
  await ensureTrainingBackend();
  let predictor;
  try {
    predictor = loadPredictor(snapshot as unknown as PredictorSnapshot);
  } catch (err) {
    throw invalid('snapshot', `does not load: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    // A smoke prediction: the reference archs of a device whose latency grows with their FLOPs.
    const features = refs.map((a) => archFeatures(space, a));
    const ms = refs.map((a) => 1 + space.flops(a) / 1e6);
    const est = predictor.predict(predictor.adapt(ms, []), features);
    if (est.length !== refs.length || !est.every((e) => Number.isFinite(e.ms)))
      throw new Error('predictions are not finite');
  } catch (err) {
    throw invalid(
      'snapshot',
      `does not predict for ${space.id}: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    predictor.dispose();
  }
  return json as unknown as PredictorFile;
}
