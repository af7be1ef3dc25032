/**
 * The fmnist-mbv3 farm dataset in the HELP latency schema (shared/data/help/README.md), so everything
 * that reads HELP's tables (dataset import, the latency parser, predictors) reads it unchanged.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseLatencyTable, type LatencyDataset } from '@tailor/datasets';
import { DEFAULT_TASK_PARAMS } from '@tailor/farm';
import type { RuntimeConfig } from './args';
import { spaces, SPACE_ID } from './archs';
import { REPO_ROOT } from './server';

export interface DeviceInfo {
  hardware: string;
  runtime: string;
  version: string;
  threads: number;
  batchSize: number;
  valueType: string;
  nodeVersion: string;
  agentVersion: string;
  measuredAt: string;
  cvMedian: number;
  cvP90: number;
  noisyCount: number;
  remeasuredCount: number;
  wallTimeSec: number;
}

export interface FarmDatasetFile {
  schemaVersion: 1;
  searchSpace: string;
  latencyUnit: 'ms';
  numArchs: number;
  archEncoding: string;
  archs: string[];
  hardwareEmbeddingIndex: number[];
  splits: { metaTrain: string[]; metaValid: string[]; metaTest: string[]; unassigned: string[] };
  splitsNote: string;
  helpProtocol: Record<string, unknown>;
  source: { runs?: unknown[]; [key: string]: unknown };
  devicesInThisFile: string[];
  devices: Record<string, number[]>;
  deviceInfo: Record<string, DeviceInfo>;
}

/** `farm_onnxruntime_t1_b1`: underscores only, like HELP's device names. */
export const deviceName = (c: RuntimeConfig): string =>
  `farm_${c.runtime.replace(/-/g, '_')}_t${c.threads}_b${c.batch}`;

/** Held out for meta-validation when present: one other thread count and one other batch size. */
const META_VALID = ['farm_onnxruntime_t2_b1', 'farm_tfjs_wasm_t1_b16'];

const archEncoding = (example: string): string =>
  'fmnist-mbv3 canonical arch string "w<width>-d<4 stage depths>-ks<12 kernel sizes>-e<12 expand ratios>", e.g. ' +
  `"${example}". width ∈ {0.75, 1.0} scales the 4 stages (16/24/40/64 channels); each stage has depth ∈ {1,2,3} ` +
  'blocks and 3 block slots; ks ∈ {3,5,7} and e ∈ {2,3,4} per slot, "x" for slots beyond the stage depth. ' +
  'Input 28×28×1 (Fashion-MNIST), 10 classes. Definition: search-spaces/fmnist-mbv3.json (Tailor); parse with ' +
  "the search space's parse()/canonical().";

function splits(devices: string[]): FarmDatasetFile['splits'] {
  const valid = META_VALID.filter((d) => devices.includes(d));
  // Meta-training needs a few devices; with too few, everything trains and nothing is held out.
  const ok = devices.length - valid.length >= 2;
  return {
    metaTrain: devices.filter((d) => !ok || !valid.includes(d)),
    metaValid: ok ? valid : [],
    metaTest: [],
    unassigned: [],
  };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** Builds the file: `previous` (for --merge) keeps its other devices; this run's devices replace same names. */
export function buildFile(
  previous: FarmDatasetFile | undefined,
  archs: string[],
  measured: Record<string, { values: number[]; info: DeviceInfo }>,
  command: string,
): FarmDatasetFile {
  const devices = { ...(previous?.devices ?? {}) };
  const deviceInfo = { ...(previous?.deviceInfo ?? {}) };
  for (const [name, m] of Object.entries(measured)) {
    devices[name] = m.values;
    deviceInfo[name] = m.info;
  }
  const names = Object.keys(devices).sort();
  const trainEnd = Math.round((archs.length * 2) / 3);
  return {
    schemaVersion: 1,
    searchSpace: SPACE_ID,
    latencyUnit: 'ms',
    numArchs: archs.length,
    archEncoding: archEncoding(archs[0]),
    archs,
    hardwareEmbeddingIndex: Array.from({ length: 10 }, (_, i) => i),
    splits: splits(names),
    splitsNote:
      'Every device is one runtime configuration of the machines that ran the farm. metaValid holds out ' +
      `${META_VALID.join(' and ')} (when present): a thread count and a batch size the predictor must generalise to ` +
      'while the same runtimes at other settings are in metaTrain. metaTest is empty: the target devices are the ' +
      'ones a user enrolls later, which are not in this file.',
    helpProtocol: {
      numMetaTrainSample: trainEnd,
      trainPoolIndexRange: [0, trainEnd],
      queryIndexRange: [trainEnd, archs.length],
      adaptedFrom:
        "HELP's protocol (nasbench201.json helpProtocol) with the index ranges scaled to this file: the first 2/3 of " +
        'the archs (reference archs included) are the training pool, the last 1/3 the query set.',
      outlierRemoval:
        'per device, within each index range keep archs whose latency rank is in [10%, 90%) (HELP loader.py remove_outlier=True)',
      normalization:
        'per device min-max over the (outlier-filtered) train pool, scaled to [0.05, 0.95] (HELP utils.normalization portion=0.9)',
      hardwareEmbedding:
        'latencies of archs 0..9 = referenceArchs(fmnist-mbv3): the centres of 10 FLOPs-rank bins of 10,000 distinct ' +
        'archs sampled with seed 2021, smallest first; min-max normalized to [0,1]',
      metaTestFewShot: '10 random archs from the filtered train pool + the 10 reference-arch latencies',
      metric: 'Spearman rho between predicted and measured latency on the filtered query range',
      measurementProtocol: {
        ...DEFAULT_TASK_PARAMS,
        description:
          'Tailor farm protocol per arch: build the model, one first run, warmupRuns warm-up runs, then `repeats` ' +
          'timed repeats of ≥ minRepeatMs each (per-run latency = repeat time / runs); the value is the median ' +
          'of the per-run latencies; when their CV > maxCv the arch is measured once more and flagged noisy if ' +
          'still above. With batch size B a run is one inference on a batch of B inputs.',
      },
    },
    source: {
      repository: 'tailor',
      commit: gitCommit(),
      how:
        'Measured by real Tailor device-farm agents (`tailor agent`), one at a time on an otherwise idle machine, ' +
        'against an embedded Tailor server; archs 0..9 are the reference archs, the rest distinct archs sampled ' +
        'with seed 1 (Rng.fromSeed(1), space.sample). Each device = one runtime:threads:batch config.',
      date: new Date().toISOString(),
      command,
      // --merge: every run that contributed devices, so a split-up measurement stays traceable.
      runs: [
        ...(previous?.source.runs ?? []),
        { date: new Date().toISOString(), command, devices: Object.keys(measured) },
      ],
      license: 'MIT (Tailor)',
    },
    devicesInThisFile: names,
    devices: Object.fromEntries(names.map((n) => [n, devices[n]])),
    deviceInfo: Object.fromEntries(names.map((n) => [n, deviceInfo[n]])),
  };
}

/** Reads an existing file for --merge; its archs must be exactly this run's, or the columns would not line up. */
export function readPrevious(file: string, archs: readonly string[]): FarmDatasetFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as FarmDatasetFile;
  if (
    prev.searchSpace !== SPACE_ID ||
    prev.archs.length !== archs.length ||
    prev.archs.some((a, i) => a !== archs[i])
  )
    throw new Error(
      `--merge: ${file} holds other archs (${prev.archs.length}); use the same --archs as the run that wrote it`,
    );
  return prev;
}

export function writeFile(file: string, data: FarmDatasetFile): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(data)}\n`);
}

/** Parses the written file with the repo's HELP-schema parser (the one dataset import uses); throws if it is refused. */
export function validateFile(file: string): LatencyDataset {
  const json: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  return parseLatencyTable(json, (id) => spaces().get(id), { fileName: path.basename(file) });
}
