import * as tf from '@tensorflow/tfjs';
import type { Activation } from '@tailor/search-spaces';
import type { BnParams, SlotParams } from './supernet-params';

export const BN_EPSILON = 1e-5;

/** Per-channel statistics of one BN of one subnet, from `calibrateBatchNorm`. */
export interface BnStat {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
}
export type BnStats = ReadonlyMap<string, BnStat>;

/**
 * How BN normalises: `batch` uses the batch's statistics (training, and OFA's teacher); `collect` does
 * the same and hands each BN's batch mean/variance to `record` (recalibration); `fixed` uses
 * recalibrated statistics (evaluation and export, where the subnet must not depend on its batch).
 */
export type BnMode =
  | { readonly kind: 'batch' }
  | {
      readonly kind: 'collect';
      readonly record: (name: string, mean: tf.Tensor1D, variance: tf.Tensor1D) => void;
    }
  | { readonly kind: 'fixed'; readonly stats: BnStats };

export function batchNorm(x: tf.Tensor4D, p: BnParams, name: string, mode: BnMode): tf.Tensor4D {
  const c = x.shape[3];
  const gamma = p.gamma.slice(0, c) as tf.Tensor1D;
  const beta = p.beta.slice(0, c) as tf.Tensor1D;
  if (mode.kind === 'fixed') {
    const stat = mode.stats.get(name);
    if (!stat || stat.mean.length !== c) {
      throw new RangeError(
        `no recalibrated BN statistics of ${c} channels for ${name}: recalibrate this subnet first`,
      );
    }
    return tf.batchNorm4d(x, tf.tensor1d(stat.mean), tf.tensor1d(stat.variance), beta, gamma, BN_EPSILON);
  }
  if (mode.kind === 'batch') return trainingBatchNorm(x, gamma, beta);
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  mode.record(name, mean as tf.Tensor1D, variance as tf.Tensor1D);
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta, gamma, BN_EPSILON);
}

/**
 * Batch-statistics BN with its analytic gradient. tfjs differentiates moments + FusedBatchNorm through
 * Tile ops that took a quarter of a training step on wasm; the closed form needs only per-channel
 * sums and broadcasts: dx = γ·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂)).
 */
const trainingBatchNorm = tf.customGrad(((
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  save: tf.GradSaveFunc,
) => {
  const axes = [0, 1, 2];
  const centered = tf.sub(x, tf.mean(x, axes));
  const invStd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), axes), BN_EPSILON));
  const xHat = tf.mul(centered, invStd);
  save([xHat, invStd, gamma]);
  return {
    value: tf.add(tf.mul(xHat, gamma), beta),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, inv, g] = saved;
      const n = xh.size / xh.shape[3]!;
      const dBeta = tf.sum(dy, axes);
      const dGamma = tf.sum(tf.mul(dy, xh), axes);
      const inner = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xh, tf.div(dGamma, n)));
      return [tf.mul(inner, tf.mul(g, inv)), dGamma, dBeta];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
) => tf.Tensor4D;

export const hSigmoid = <T extends tf.Tensor>(x: T): T => tf.div(tf.relu6(tf.add(x, 3)), 6);
export const hSwish = <T extends tf.Tensor>(x: T): T => tf.mul(x, hSigmoid(x));

export function activate<T extends tf.Tensor>(x: T, act: Activation): T {
  if (act === 'relu') return tf.relu(x);
  if (act === 'h_swish') return hSwish(x);
  return x;
}

/** The first `cin` input and `cout` output channels of a [k, k, cin, cout] filter. */
export const sliceFilter = (w: tf.Tensor, cin: number, cout: number): tf.Tensor4D =>
  tf.slice(w, [0, 0, 0, 0], [-1, -1, cin, cout]) as tf.Tensor4D;

/**
 * OFA's elastic kernel: a k×k depthwise kernel is the centre crop of the next larger one passed through
 * a learned per-layer transform (shared by the channels), chained from the largest kernel down, e.g.
 * 7 → 5 → 3. With identity transforms this is a plain centre crop. (OFA crops every step at the
 * largest kernel's offsets, which is off-centre for 5 → 3; here every crop is centred.)
 */
export function elasticKernel(slot: SlotParams, kernel: number, channels: number): tf.Tensor4D {
  let size = slot.depthwise.shape[0] as number;
  let w = sliceFilter(slot.depthwise, channels, 1);
  while (size > kernel) {
    const next = [...slot.kernelTransforms.keys()].find((key) => key.startsWith(`${size}to`));
    if (!next) throw new RangeError(`kernel ${kernel} is not reachable from ${slot.depthwise.shape[0]}`);
    const to = Number(next.split('to')[1]);
    const start = (size - to) / 2;
    const crop = tf.slice(w, [start, start, 0, 0], [to, to, channels, 1]);
    const flat = tf.transpose(tf.reshape(crop, [to * to, channels]));
    // F.linear(x, M) = x Mᵀ, per channel's flattened kernel.
    const moved = tf.matMul(flat, slot.kernelTransforms.get(next)!, false, true);
    w = tf.reshape(tf.transpose(moved), [to, to, channels, 1]);
    size = to;
  }
  if (size !== kernel) throw new RangeError(`kernel ${kernel} is not one of the supernet's kernels`);
  return w;
}
