import type { Rng } from '@tailor/common';
import type { ElasticSpace } from '@tailor/search-spaces';
import type { FashionMnist, ImageSet } from '../data/fashion-mnist';
import { makeBatch } from '../data/image-batches';
import { toOnnx } from '../onnx-emitter';
import { runOnnx } from '../onnx-runner';
import { type EvaluationResult, calibrateBatchNorm, evaluateSubnet } from './bn-calibration';
import type { BnStats } from './elastic-ops';
import { extractSubnet } from './subnet-graph';
import { ElasticSupernet } from './elastic-supernet';
import { WEIGHTS_FILE, loadInto, readManifest } from './supernet-checkpoint';

/** A supernet's weights from a checkpoint folder (training state is ignored). */
export function loadSupernet<A>(space: ElasticSpace<A>, dir: string): ElasticSupernet<A> {
  const manifest = readManifest(dir);
  if (manifest.spaceId !== space.id)
    throw new RangeError(`${dir} holds a ${manifest.spaceId} supernet, not ${space.id}`);
  const net = ElasticSupernet.create(space, 0, false);
  loadInto(dir, WEIGHTS_FILE, manifest, net.variables);
  return net;
}

export interface ScoringOptions {
  /** Training images for each subnet's BN recalibration (OFA: 2,000). */
  readonly calibrationImages?: number;
  /** Images of the scored set (default: all of it). */
  readonly limit?: number;
  readonly seed?: number;
  /**
   * What scores the recalibrated subnet: 'onnx' exports it and runs onnxruntime (about 6× faster than
   * tfjs-wasm on the largest subnet, same predictions), 'tfjs' runs the supernet itself.
   */
  readonly engine?: 'onnx' | 'tfjs';
  readonly onProgress?: (done: number, total: number) => void;
  /** Polled between subnets: true returns the subnets scored so far. */
  readonly shouldStop?: () => boolean;
}

export interface ScoredSubnet {
  readonly arch: string;
  readonly accuracy: number;
  readonly loss: number;
}

/**
 * Each arch's accuracy as OFA measures a subnet: BN recalibrated on training images, then scored on
 * `set` (the validation split for the accuracy predictor; the test set only for final reports).
 */
export async function scoreSubnets<A>(
  net: ElasticSupernet<A>,
  archs: readonly A[],
  data: Pick<FashionMnist, 'train'>,
  set: ImageSet,
  opts: ScoringOptions = {},
): Promise<ScoredSubnet[]> {
  const out: ScoredSubnet[] = [];
  for (const arch of archs) {
    if (opts.shouldStop?.()) break;
    const r = await evaluateRecalibrated(net, arch, data.train, set, opts);
    out.push({ arch: net.space.canonical(arch), accuracy: r.accuracy, loss: r.loss });
    opts.onProgress?.(out.length, archs.length);
    // Scoring is synchronous tensor work: let signals and I/O through between subnets.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

export async function evaluateRecalibrated<A>(
  net: ElasticSupernet<A>,
  arch: A,
  train: ImageSet,
  set: ImageSet,
  opts: ScoringOptions = {},
): Promise<EvaluationResult> {
  const stats = calibrateBatchNorm(net, arch, train, {
    images: opts.calibrationImages ?? 2000,
    seed: opts.seed ?? 0,
  });
  if (opts.engine === 'tfjs') return evaluateSubnet(net, arch, stats, set, { limit: opts.limit });
  return evaluateOnnx(net, arch, stats, set, opts.limit);
}

/** Accuracy and mean cross-entropy of the exported subnet under onnxruntime. */
export async function evaluateOnnx<A>(
  net: ElasticSupernet<A>,
  arch: A,
  stats: BnStats,
  set: ImageSet,
  limit = set.count,
): Promise<EvaluationResult> {
  const n = Math.min(limit, set.count);
  const batch = makeBatch(
    set,
    Array.from({ length: n }, (_, i) => i),
  );
  const out = await runOnnx(toOnnx(extractSubnet(net, arch, stats)), batch.x, batch.shape);
  const classes = out.dims[1];
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = out.data.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(row[c] - row[best]);
    loss += row[best] + Math.log(sum) - row[batch.labels[i]];
    if (best === batch.labels[i]) correct++;
  }
  return { accuracy: correct / n, loss: loss / n, count: n };
}

/** `count` distinct archs sampled uniformly from the space (by canonical form). */
export function sampleDistinct<A>(space: ElasticSpace<A>, count: number, rng: Rng): A[] {
  const seen = new Set<string>();
  const out: A[] = [];
  for (let tries = 0; out.length < count && tries < count * 100; tries++) {
    const a = space.sample(rng);
    const key = space.canonical(a);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(a);
    }
  }
  return out;
}
