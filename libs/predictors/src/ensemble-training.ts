import { Rng } from '@tailor/common';
import { fitFeatureScaler, scaleFeatures, type FeatureScaler } from './feature-scaler';
import { LatencyPredictor } from './latency-predictor';
import { DEFAULT_MODEL_CONFIG, MetaSgdModel, type MetaModelConfig, type WeightMap } from './meta-sgd-model';
import { metaTrainMember, type Checkpoint, type MetaTrainOptions, type SourceDevice } from './meta-train';
import { ensureTrainingBackend } from './tf-backend';

export interface EnsembleOptions extends MetaTrainOptions {
  members: number;
  model: Omit<MetaModelConfig, 'featureDim' | 'embeddingDim'>;
}

export const DEFAULT_ENSEMBLE_OPTIONS: EnsembleOptions = {
  members: 3,
  steps: 3000,
  outerLr: 1e-3,
  validateEvery: 250,
  shots: 10,
  queryPerEpisode: 64,
  episodesPerStep: 8,
  mixProbability: 0.5,
  seed: 0,
  model: DEFAULT_MODEL_CONFIG,
};

export interface EnsembleTrainingInput {
  /** Raw features of every arch of the corpus. */
  features: readonly (readonly number[])[];
  referenceIndex: readonly number[];
  sources: readonly SourceDevice[];
  usable?: readonly number[];
}

/** Per member, its checkpoints with per-device validation scores; the scaler is shared. */
export interface EnsembleTraining {
  config: MetaModelConfig;
  scaler: FeatureScaler;
  referenceFeatures: number[][];
  members: Checkpoint<Record<string, number>>[][];
}

export interface TrainingProgress {
  member: number;
  members: number;
  step: number;
  steps: number;
  loss: number;
}

/**
 * Meta-trains `members` independently seeded models on the same corpus. `validate` scores a one-member
 * predictor per validation device; selection among checkpoints happens later (selectEnsemble), so
 * leave-one-device-out evaluation can select without the held-out device from one training run.
 */
export async function trainEnsemble(
  input: EnsembleTrainingInput,
  opts: EnsembleOptions,
  validate: (predictor: LatencyPredictor) => Record<string, number>,
  onProgress?: (p: TrainingProgress) => void | Promise<void>,
): Promise<EnsembleTraining> {
  await ensureTrainingBackend();
  const scaler = fitFeatureScaler(input.features);
  const scaled = input.features.map((r) => scaleFeatures(scaler, r));
  const referenceFeatures = input.referenceIndex.map((i) => [...input.features[i]]);
  const config: MetaModelConfig = {
    ...opts.model,
    featureDim: scaler.mean.length,
    embeddingDim: input.referenceIndex.length,
  };
  const members: Checkpoint<Record<string, number>>[][] = [];
  for (let m = 0; m < opts.members; m++) {
    const seed = opts.seed * 1000 + m;
    const model = MetaSgdModel.init(config, Rng.fromSeed(seed));
    try {
      const single = new LatencyPredictor([model], scaler, referenceFeatures);
      const checkpoints = await metaTrainMember(
        model,
        {
          features: scaled,
          referenceIndex: input.referenceIndex,
          sources: input.sources,
          usable: input.usable,
        },
        { ...opts, seed },
        () => validate(single),
        async (step, loss) => {
          if (onProgress && (step % 50 === 0 || step === opts.steps))
            await onProgress({ member: m, members: opts.members, step, steps: opts.steps, loss });
        },
      );
      members.push(checkpoints);
    } finally {
      model.dispose();
    }
  }
  return { config, scaler, referenceFeatures, members };
}

/** Per member, the checkpoint with the best mean score over `devices` (the last one when none given). */
export function selectCheckpoints(
  training: EnsembleTraining,
  devices: readonly string[],
): Checkpoint<Record<string, number>>[] {
  return training.members.map((checkpoints) => {
    if (devices.length === 0) return checkpoints[checkpoints.length - 1];
    const mean = (c: Checkpoint<Record<string, number>>): number =>
      devices.reduce((s, d) => s + c.scores[d], 0) / devices.length;
    return checkpoints.reduce((best, c) => (mean(c) > mean(best) ? c : best));
  });
}

export function predictorFromWeights(
  config: MetaModelConfig,
  scaler: FeatureScaler,
  referenceFeatures: number[][],
  weights: readonly WeightMap[],
): LatencyPredictor {
  return new LatencyPredictor(
    weights.map((w) => MetaSgdModel.fromWeights(config, w)),
    scaler,
    referenceFeatures,
  );
}
