import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tailor/common';
import type { ImageSet } from '../data/fashion-mnist';
import { makeBatch } from '../data/image-batches';
import type { BnStat, BnStats } from './elastic-ops';
import type { ElasticSupernet } from './elastic-supernet';

export interface CalibrationOptions {
  /** Training images the statistics are averaged over (OFA: a 2,000-image subset). */
  readonly images?: number;
  readonly batchSize?: number;
  /** Picks which training images; the same seed gives the same statistics. */
  readonly seed?: number;
}

/**
 * OFA's BN recalibration (`set_running_statistics`): a subnet's BN layers are shared with every other
 * subnet during training, so their statistics fit none of them. Run the subnet over a fixed subset of
 * training images with batch statistics and average each BN's batch mean and (biased) variance,
 * weighted by batch size; evaluation and export then use these.
 */
export function calibrateBatchNorm<A>(
  net: ElasticSupernet<A>,
  arch: A,
  train: ImageSet,
  opts: CalibrationOptions = {},
): BnStats {
  const count = Math.min(opts.images ?? 2000, train.count);
  const batchSize = opts.batchSize ?? 250;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`images must be a positive integer, got ${opts.images}`);
  const picked = Rng.fromSeed(opts.seed ?? 0)
    .shuffle(Array.from({ length: train.count }, (_, i) => i))
    .slice(0, count);
  const layers = net.space.describeLayers(arch);
  const sums = new Map<string, { mean: Float64Array; variance: Float64Array }>();
  for (let start = 0; start < count; start += batchSize) {
    const idx = picked.slice(start, start + batchSize);
    const batch = makeBatch(train, idx);
    const pending: { name: string; mean: tf.Tensor1D; variance: tf.Tensor1D }[] = [];
    tf.tidy(() => {
      const x = tf.tensor4d(batch.x, batch.shape);
      net.forwardLayers(x, layers, {
        kind: 'collect',
        record: (name, mean, variance) =>
          pending.push({ name, mean: tf.keep(mean), variance: tf.keep(variance) }),
      });
    });
    for (const p of pending) {
      const mean = p.mean.dataSync();
      const variance = p.variance.dataSync();
      let sum = sums.get(p.name);
      if (!sum)
        sums.set(
          p.name,
          (sum = { mean: new Float64Array(mean.length), variance: new Float64Array(mean.length) }),
        );
      for (let c = 0; c < mean.length; c++) {
        sum.mean[c] += mean[c] * idx.length;
        sum.variance[c] += variance[c] * idx.length;
      }
      tf.dispose([p.mean, p.variance]);
    }
  }
  const stats = new Map<string, BnStat>();
  for (const [name, sum] of sums) {
    stats.set(name, {
      mean: Float32Array.from(sum.mean, (v) => v / count),
      variance: Float32Array.from(sum.variance, (v) => v / count),
    });
  }
  return stats;
}

export interface EvaluationResult {
  readonly accuracy: number;
  /** Mean cross-entropy (no label smoothing). */
  readonly loss: number;
  readonly count: number;
}

/** Top-1 accuracy and loss of a recalibrated subnet on `set` (its first `limit` images). */
export function evaluateSubnet<A>(
  net: ElasticSupernet<A>,
  arch: A,
  stats: BnStats,
  set: ImageSet,
  opts: { batchSize?: number; limit?: number } = {},
): EvaluationResult {
  const n = Math.min(opts.limit ?? set.count, set.count);
  const batchSize = opts.batchSize ?? 250;
  const layers = net.space.describeLayers(arch);
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const batch = makeBatch(set, idx);
    const [pred, loss] = tf.tidy(() => {
      const logits = net.forwardLayers(tf.tensor4d(batch.x, batch.shape), layers, { kind: 'fixed', stats });
      const labels = tf.tensor1d(batch.labels, 'int32');
      const ce = tf.losses.softmaxCrossEntropy(
        tf.oneHot(labels, logits.shape[1]),
        logits,
        undefined,
        0,
        tf.Reduction.SUM,
      );
      return [tf.argMax(logits, 1).dataSync(), ce.dataSync()[0]];
    });
    for (let i = 0; i < idx.length; i++) if (pred[i] === batch.labels[i]) correct++;
    lossSum += loss;
  }
  return { accuracy: correct / n, loss: lossSum / n, count: n };
}
