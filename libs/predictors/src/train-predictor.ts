import type { PredictorCorpus } from './corpus';
import {
  DEFAULT_ENSEMBLE_OPTIONS,
  predictorFromWeights,
  selectCheckpoints,
  trainEnsemble,
  type EnsembleOptions,
  type TrainingProgress,
} from './ensemble-training';
import type { LatencyPredictor } from './latency-predictor';
import { protocolSpearman } from './protocol-score';
import { snapshotPredictor, type PredictorSnapshot } from './predictor-snapshot';

/** Support draws each validation device is scored on during checkpoint selection. */
const VALIDATION_SEEDS = [9001, 9002, 9003];

export interface TrainPredictorInput {
  corpus: PredictorCorpus;
  /** Devices to meta-train on. */
  sources: string[];
  /** Devices to select checkpoints on (adapted like a new device, scored by Spearman); may be empty. */
  validation: string[];
  options?: Partial<EnsembleOptions>;
  onProgress?: (p: TrainingProgress) => void | Promise<void>;
}

export interface TrainedPredictor {
  snapshot: PredictorSnapshot;
  /** Spearman of the selected ensemble per validation device (mean over 3 support draws). */
  validation: Record<string, number>;
  steps: number;
  members: number;
}

/**
 * The service's meta-training: train on `sources`, select each member's checkpoint by the mean Spearman
 * on `validation`, and return the ensemble as a snapshot. Validation follows HELP's protocol on the
 * corpus's ranges when it has them, else on a fixed 2/3 (pool) – 1/3 (query) split of the archs.
 */
export async function trainPredictor(input: TrainPredictorInput): Promise<TrainedPredictor> {
  const { corpus } = input;
  for (const d of [...input.sources, ...input.validation])
    if (!corpus.devices[d]) throw new RangeError(`device ${d} has no latencies in this corpus`);
  if (input.sources.length === 0) throw new RangeError('meta-training needs at least one source device');
  if (corpus.referenceIndex.length < 2)
    throw new RangeError(`${corpus.searchSpace} corpus has no reference archs`);
  const opts = { ...DEFAULT_ENSEMBLE_OPTIONS, ...input.options };
  const n = corpus.archKeys.length;
  const ranges = corpus.ranges ?? {
    trainPool: [0, Math.floor((2 * n) / 3)] as [number, number],
    query: [Math.floor((2 * n) / 3), n] as [number, number],
  };
  const score = (p: LatencyPredictor): Record<string, number> =>
    Object.fromEntries(
      input.validation.map((d) => [d, protocolSpearman(p, corpus, d, ranges, opts.shots, VALIDATION_SEEDS)]),
    );
  const trained = await trainEnsemble(
    {
      features: corpus.features,
      referenceIndex: corpus.referenceIndex,
      sources: input.sources.map((id) => ({ id, ms: corpus.devices[id] })),
    },
    opts,
    score,
    input.onProgress,
  );
  const chosen = selectCheckpoints(trained, input.validation);
  const predictor = predictorFromWeights(
    trained.config,
    trained.scaler,
    trained.referenceFeatures,
    chosen.map((c) => c.weights),
  );
  try {
    return {
      snapshot: snapshotPredictor(
        corpus.searchSpace,
        corpus.referenceIndex.map((i) => corpus.archKeys[i]),
        predictor,
        trained.config,
      ),
      validation: input.validation.length ? score(predictor) : {},
      steps: opts.steps,
      members: opts.members,
    };
  } finally {
    predictor.dispose();
  }
}
