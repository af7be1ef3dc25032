import { Rng } from '@tailor/common';
import { prepareSource, sampleEpisodes, type EpisodeBatch } from './episodes';
import { MetaSgdModel, type MetaModelConfig, type WeightMap } from './meta-sgd-model';
import { tf } from './tf-backend';

/** A source device of meta-training: its latency (ms) for archs of the corpus; NaN where unknown. */
export interface SourceDevice {
  id: string;
  ms: readonly number[];
}

export interface EpisodeSettings {
  /** Measured archs per support set besides the reference archs (HELP: 10). */
  shots: number;
  /** Archs per episode the outer loss is computed on. */
  queryPerEpisode: number;
  /** Episodes (devices) per meta-step. */
  episodesPerStep: number;
  /**
   * Share of episodes on a synthetic device: the geometric interpolation of two source devices'
   * latencies with a random weight (task interpolation, Yao et al. 2021). Nine source devices are few
   * tasks; the mixtures fill the space between them, where unseen devices tend to lie.
   */
  mixProbability: number;
}

export interface MetaTrainOptions extends EpisodeSettings {
  steps: number;
  outerLr: number;
  validateEvery: number;
  seed: number;
}

export interface Checkpoint<S> {
  step: number;
  weights: WeightMap;
  scores: S;
}

/** What meta-training sees of the corpus: scaled features and, per source, the archs episodes may use. */
export interface TrainingCorpus {
  features: readonly (readonly number[])[];
  referenceIndex: readonly number[];
  sources: readonly SourceDevice[];
  /** Archs episodes may draw from (evaluation excludes its query range here); default: all. */
  usable?: readonly number[];
}

/**
 * Meta-trains one member. Episodes follow the test-time protocol: a source device, its reference archs
 * plus `shots` archs of its outlier-filtered pool as support, other archs of the pool as query.
 * `validate` is called every `validateEvery` steps and its result kept with a copy of the weights, so
 * the caller selects the checkpoint (by the metaValid devices) after training.
 */
export async function metaTrainMember<S>(
  model: MetaSgdModel,
  corpus: TrainingCorpus,
  opts: MetaTrainOptions,
  validate: (model: MetaSgdModel) => S,
  onStep?: (step: number, loss: number) => void | Promise<void>,
): Promise<Checkpoint<S>[]> {
  const rng = Rng.fromSeed(opts.seed);
  const prepared = corpus.sources.map((s) => prepareSource(s, corpus));
  const features: tf.Tensor = tf.tensor2d(corpus.features.map((r) => [...r]));
  const optimizer = tf.train.adam(opts.outerLr);
  const varList = [...model.vars.values()];
  const checkpoints: Checkpoint<S>[] = [];
  try {
    for (let step = 1; step <= opts.steps; step++) {
      const batch = sampleEpisodes(prepared, corpus.referenceIndex, opts, rng);
      const cost = optimizer.minimize(() => episodeLoss(model, features, batch), true, varList) as tf.Scalar;
      const loss = (await cost.data())[0];
      cost.dispose();
      if (onStep) await onStep(step, loss);
      if (step % opts.validateEvery === 0 || step === opts.steps)
        checkpoints.push({ step, weights: model.weights(), scores: validate(model) });
    }
  } finally {
    features.dispose();
    optimizer.dispose();
  }
  return checkpoints;
}

/** The outer loss: squared error on the query archs after adapting on the support set. */
function episodeLoss(model: MetaSgdModel, features: tf.Tensor, batch: EpisodeBatch): tf.Scalar {
  const e = tf.tensor2d(batch.embeddings);
  const xs = tf.gather(features, tf.tensor2d(batch.support, undefined, 'int32')) as tf.Tensor3D;
  const xq = tf.gather(features, tf.tensor2d(batch.query, undefined, 'int32')) as tf.Tensor3D;
  const head = model.adaptHead(model.basis(xs, e), tf.tensor2d(batch.ys), e);
  const pred = model.applyHead(model.basis(xq, e), head);
  return tf.mean(tf.square(tf.sub(pred, tf.tensor2d(batch.yq)))) as tf.Scalar;
}

export type { MetaModelConfig };
