import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '@tailor/common';
import type { ElasticSpace, FmnistArch } from '@tailor/search-spaces';
import type { ImageSet } from '../data/fashion-mnist';
import { parity, loadSpaces, seededInput } from '../testing/parity';
import { calibrateBatchNorm, evaluateSubnet } from './bn-calibration';
import { elasticKernel } from './elastic-ops';
import { ElasticSupernet } from './elastic-supernet';
import { extractSubnet } from './subnet-graph';
import { evaluateRecalibrated } from './subnet-scoring';
import { archFromGenes, largestGenes, smallestGenes } from './supernet-params';

const space = loadSpaces().get('fmnist-mbv3') as ElasticSpace<FmnistArch>;
const largest = archFromGenes(space, largestGenes(space.spec));
const smallest = archFromGenes(space, smallestGenes(space.spec));
const mixed = space.parse('w0.75-d1,2,3,2-ks3,x,x,5,7,x,7,5,3,3,5,x-e2,x,x,4,3,x,2,3,4,4,2,x');

/** Random "images" (pixels in [0, 1]) with random labels: enough for statistics and plumbing. */
export function randomImages(count: number, seed: number): ImageSet {
  const rng = Rng.fromSeed(seed);
  return {
    images: Uint8Array.from({ length: count * 784 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(10)),
    count,
    height: 28,
    width: 28,
  };
}

let net: ElasticSupernet<FmnistArch>;
beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  net = ElasticSupernet.create(space, 3);
});
afterAll(() => net.dispose());

describe('ElasticSupernet (fmnist-mbv3)', () => {
  it('holds the largest network: one slot per stage × max depth, parameters ≥ the largest subnet', () => {
    expect(net.params.slots).toHaveLength(12);
    const total = net.trainableList().reduce((n, v) => n + v.size, 0);
    expect(total).toBeGreaterThanOrEqual(space.params(largest) * 1e6);
  });

  it('runs any subnet: logits [batch, 10] for the largest, smallest and a mixed arch, leaking nothing', () => {
    const x = tf.tensor4d(seededInput(3 * 784, 1), [3, 28, 28, 1]);
    const before = tf.memory().numTensors;
    for (const arch of [largest, smallest, mixed]) {
      const y = net.forward(x, arch, { kind: 'batch' });
      expect(y.shape).toEqual([3, 10]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      y.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('elastic kernel: with identity transforms a smaller kernel is the centre crop of the largest', () => {
    const slot = net.params.slots[4];
    const [k7, k5, k3] = [7, 5, 3].map((k) => elasticKernel(slot, k, 8));
    const crop5 = tf.slice(k7, [1, 1, 0, 0], [5, 5, 8, 1]);
    const crop3 = tf.slice(k7, [2, 2, 0, 0], [3, 3, 8, 1]);
    expect(tf.max(tf.abs(tf.sub(k5, crop5))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(k3, crop3))).dataSync()[0]).toBe(0);
    tf.dispose([k7, k5, k3, crop5, crop3]);
  });

  it('elastic kernel: a transform changes the smaller kernels only, and gradients reach it', () => {
    const slot = net.params.slots[5];
    const m = slot.kernelTransforms.get('7to5')!;
    const saved = m.clone();
    m.assign(tf.add(m, tf.mul(0.1, tf.randomNormal(m.shape, 0, 1, 'float32', 7))));
    const diff = (k: number): number =>
      tf.tidy(
        () =>
          tf
            .max(
              tf.abs(
                tf.sub(
                  elasticKernel(slot, k, 8),
                  tf.slice(slot.depthwise, [(7 - k) / 2, (7 - k) / 2, 0, 0], [k, k, 8, 1]),
                ),
              ),
            )
            .dataSync()[0],
      );
    expect(diff(7)).toBe(0);
    expect(diff(5)).toBeGreaterThan(1e-3);
    const { grads, value } = tf.variableGrads(
      () => tf.sum(tf.square(elasticKernel(slot, 3, 8))) as tf.Scalar,
      [m],
    );
    expect(Math.abs(grads[m.name].sum().dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    m.assign(saved);
    saved.dispose();
  });

  it('BN recalibration averages batch statistics: fixed-statistics logits equal batch-mode logits on that very batch', () => {
    const data = randomImages(64, 2);
    const stats = calibrateBatchNorm(net, mixed, data, { images: 64, batchSize: 64 });
    expect(stats.size).toBe(2 + 3 * 8);
    const x = tf.tensor4d(
      Float32Array.from(data.images, (v) => v / 255),
      [64, 28, 28, 1],
    );
    const a = net.forward(x, mixed, { kind: 'batch' });
    const b = net.forward(x, mixed, { kind: 'fixed', stats });
    // one batch: averaged = that batch's statistics (up to float rounding)
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-3);
    tf.dispose([x, a, b]);
  });

  it('refuses to evaluate a subnet without recalibrated statistics', () => {
    const stats = calibrateBatchNorm(net, smallest, randomImages(16, 3), { images: 16 });
    expect(() => evaluateSubnet(net, largest, stats, randomImages(4, 4))).toThrow(/recalibrate/);
  });

  it.each([
    ['largest', largest],
    ['smallest', smallest],
    ['mixed', mixed],
  ])('the extracted %s subnet (IR → tfjs and ONNX) computes what the supernet computes', async (_, arch) => {
    const data = randomImages(32, 5);
    const stats = calibrateBatchNorm(net, arch, data, { images: 32 });
    const graph = extractSubnet(net, arch, stats);
    const result = await parity(graph, 2, 9);
    const x = tf.tensor4d(seededInput(2 * 784, 9), [2, 28, 28, 1]);
    const own = net.forward(x, arch, { kind: 'fixed', stats });
    const ownData = own.dataSync();
    let maxDiff = 0;
    for (let i = 0; i < ownData.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(ownData[i] - result.tfjs[i]));
    tf.dispose([x, own]);
    // Untrained weights with statistics from noise give large logits: compare relative to their scale.
    const scale = Math.max(1, result.maxLogit);
    expect(maxDiff / scale).toBeLessThan(1e-5);
    expect(result.maxAbs / scale).toBeLessThan(1e-5);
    expect(graph.arch).toBe(space.canonical(arch));
  });
});

describe('subnet scoring', () => {
  it('onnxruntime scores a recalibrated subnet exactly as the supernet does', async () => {
    const train = randomImages(64, 21);
    const set = randomImages(40, 22);
    const viaOnnx = await evaluateRecalibrated(net, mixed, train, set, { calibrationImages: 64 });
    const viaTfjs = await evaluateRecalibrated(net, mixed, train, set, {
      calibrationImages: 64,
      engine: 'tfjs',
    });
    expect(viaOnnx.count).toBe(40);
    expect(viaOnnx.accuracy).toBe(viaTfjs.accuracy);
    expect(viaOnnx.loss).toBeCloseTo(viaTfjs.loss, 4);
  });
});
