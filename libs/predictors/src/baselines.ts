import { Rng } from '@tailor/common';
import { DeviceScale } from './device-scale';
import { gaussian } from './meta-sgd-model';
import { tf } from './tf-backend';

/**
 * The baselines every predictor is compared with, on the same support set (reference archs + shots) and
 * query set: they see exactly what the meta-learned predictor sees of the target device.
 */
export interface SupportSet {
  /** Indices into the corpus of the support archs (reference archs first). */
  index: readonly number[];
  ms: readonly number[];
}

/** Latency = a·MFLOPs + b, least squares on the support set. */
export function flopsLinear(
  flops: readonly number[],
  support: SupportSet,
  query: readonly number[],
): number[] {
  const x = support.index.map((i) => flops[i]);
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = support.ms.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  x.forEach((v, k) => {
    sxy += (v - mx) * (support.ms[k] - my);
    sxx += (v - mx) ** 2;
  });
  const a = sxx === 0 ? 0 : sxy / sxx;
  return query.map((i) => a * (flops[i] - mx) + my);
}

export interface NearestSourceResult {
  device: string;
  predictions: number[];
}

/**
 * The source device whose min–max normalized reference latencies (HELP's hardware embedding) are closest
 * in L2 to the target's; its recorded latencies, rescaled by the geometric-mean ratio on the support
 * set, are the prediction. Needs the source's latency of every query arch.
 */
export function nearestSource(
  sources: readonly { id: string; ms: readonly number[] }[],
  referenceIndex: readonly number[],
  support: SupportSet,
  query: readonly number[],
): NearestSourceResult {
  const target = minMax(support.ms.slice(0, referenceIndex.length));
  let best = sources[0];
  let bestDist = Infinity;
  for (const s of sources) {
    const emb = minMax(referenceIndex.map((i) => s.ms[i]));
    const dist = emb.reduce((acc, v, k) => acc + (v - target[k]) ** 2, 0);
    if (dist < bestDist) [best, bestDist] = [s, dist];
  }
  const logRatio =
    support.index.reduce((acc, i, k) => acc + Math.log(support.ms[k]) - Math.log(best.ms[i]), 0) /
    support.index.length;
  return { device: best.id, predictions: query.map((i) => best.ms[i] * Math.exp(logRatio)) };
}

/** A two-layer MLP trained from scratch on the support set only (log-latency on the references' scale). */
export function scratchMlp(
  rows: readonly (readonly number[])[],
  support: SupportSet,
  query: readonly number[],
  seed: number,
  steps = 300,
): number[] {
  const scale = DeviceScale.fromReferences(support.ms.slice(0, Math.min(10, support.ms.length)));
  const rng = Rng.fromSeed(seed);
  const dim = rows[0].length;
  const hidden = 64;
  const init = (fanIn: number, fanOut: number): tf.Variable =>
    tf.variable(
      tf.tensor2d(
        Float32Array.from(
          { length: fanIn * fanOut },
          () => (gaussian(rng) * Math.sqrt(2)) / Math.sqrt(fanIn),
        ),
        [fanIn, fanOut],
      ),
    );
  const w1 = init(dim, hidden);
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = init(hidden, 1);
  const b2 = tf.variable(tf.zeros([1]));
  const forward = (x: tf.Tensor2D): tf.Tensor =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2).squeeze([1]);
  const x = tf.tensor2d(support.index.map((i) => [...rows[i]]));
  const y = tf.tensor1d(support.ms.map((ms) => scale.toTarget(ms)));
  const opt = tf.train.adam(0.01);
  try {
    for (let s = 0; s < steps; s++)
      tf.dispose(opt.minimize(() => tf.mean(tf.square(tf.sub(forward(x), y))) as tf.Scalar, true) ?? []);
    const out = tf.tidy(() => Array.from(forward(tf.tensor2d(query.map((i) => [...rows[i]]))).dataSync()));
    return out.map((t) => scale.toMs(t));
  } finally {
    tf.dispose([w1, b1, w2, b2, x, y]);
    opt.dispose();
  }
}

function minMax(values: readonly number[]): number[] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0));
}
