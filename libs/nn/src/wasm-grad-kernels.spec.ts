import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradKernels } from './wasm-grad-kernels';

/**
 * The composed wasm gradient kernels against the CPU backend's reference kernels: the gradients of
 * sum(conv(x, w) * r) w.r.t. x and w on 'cpu' and on 'wasm' must agree to 1e-4.
 */

const MISSING = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
];

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

type Pad = 'same' | 'valid' | number;
interface Case {
  kind: 'conv2d' | 'depthwise';
  k: number;
  stride: number;
  pad: Pad;
  size: number;
  inC: number;
  /** Output channels (conv2d) or channel multiplier (depthwise). */
  outC: number;
}

const BATCH = 2;

function shapes(c: Case): { x: number[]; w: number[] } {
  return { x: [BATCH, c.size, c.size, c.inC], w: [c.k, c.k, c.inC, c.outC] };
}

/** Gradients of sum(conv(x, w) * r) w.r.t. x and w on the active backend, as plain arrays. */
async function grads(c: Case, seed: number): Promise<{ dx: Float32Array; dw: Float32Array }> {
  const s = shapes(c);
  const before = tf.memory().numTensors;
  const [dx, dw] = tf.tidy(() => {
    const x = tf.tensor4d(
      seeded(BATCH * c.size * c.size * c.inC, seed),
      s.x as [number, number, number, number],
    );
    const w = tf.tensor4d(
      seeded(c.k * c.k * c.inC * c.outC, seed + 1),
      s.w as [number, number, number, number],
    );
    const conv = (xx: tf.Tensor4D, ww: tf.Tensor4D): tf.Tensor4D =>
      c.kind === 'conv2d' ? tf.conv2d(xx, ww, c.stride, c.pad) : tf.depthwiseConv2d(xx, ww, c.stride, c.pad);
    const outShape = conv(x, w).shape;
    const r = tf.tensor(
      seeded(
        outShape.reduce((a, b) => a * b, 1),
        seed + 2,
      ),
      outShape,
    );
    const f = (xx: tf.Tensor, ww: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(conv(xx as tf.Tensor4D, ww as tf.Tensor4D), r));
    return tf.grads(f)([x, w]) as [tf.Tensor, tf.Tensor];
  });
  const out = { dx: (await dx.data()) as Float32Array, dw: (await dw.data()) as Float32Array };
  expect(dx.shape).toEqual(s.x);
  expect(dw.shape).toEqual(s.w);
  tf.dispose([dx, dw]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const cases: Case[] = [];
for (const kind of ['conv2d', 'depthwise'] as const) {
  for (const k of [3, 5, 7]) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        // 9x9 and 10x10 alternate so 'same' hits both even and odd total padding.
        cases.push({
          kind,
          k,
          stride,
          pad,
          size: 9 + ((k + stride) % 2),
          inC: 3,
          outC: kind === 'conv2d' ? 4 : 1,
        });
      }
    }
  }
  // Beyond the brief: numeric padding and a channel multiplier > 1.
  cases.push({ kind, k: 3, stride: 2, pad: 1, size: 8, inC: 3, outC: 2 });
}

const results: string[] = [];
let worst = 0;

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

afterAll(() => {
  console.log(
    `wasm vs cpu gradients, max |diff| per case:\n${results.join('\n')}\nworst ${worst.toExponential(2)}`,
  );
});

describe('registerWasmGradKernels', () => {
  it('registers exactly the missing kernels, once', () => {
    const missing = MISSING.filter((k) => !tf.getKernel(k, 'wasm'));
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
    expect(registerWasmGradKernels()).toEqual(missing);
    expect(registerWasmGradKernels()).toEqual([]);
    for (const k of MISSING) expect(tf.getKernel(k, 'wasm')).toBeDefined();
  });

  it.each(
    cases.map((c, i) => [`${c.kind} k${c.k} s${c.stride} ${c.pad} ${c.size}x${c.size}`, c, i] as const),
  )('matches cpu: %s', async (label, c, i) => {
    await tf.setBackend('cpu');
    const ref = await grads(c, 100 + i * 7);
    await tf.setBackend('wasm');
    const got = await grads(c, 100 + i * 7);
    const dx = maxAbsDiff(got.dx, ref.dx);
    const dw = maxAbsDiff(got.dw, ref.dw);
    results.push(`  ${label}: dx ${dx.toExponential(2)} dw ${dw.toExponential(2)}`);
    worst = Math.max(worst, dx, dw);
    expect(dx).toBeLessThan(1e-4);
    expect(dw).toBeLessThan(1e-4);
  });

  it('refuses dilation > 1 and NCHW with a clear error', () => {
    const x = tf.zeros([1, 6, 6, 2]);
    const dy = tf.zeros([1, 6, 6, 2]);
    const attrs = { strides: 1, pad: 'same', dilations: 2, filterShape: [3, 3, 2, 1] };
    expect(() =>
      tf
        .engine()
        .runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap),
    ).toThrow(/dilations must be 1/);
    const nchw = { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 6, 6] };
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, nchw as unknown as tf.NamedAttrMap),
    ).toThrow(/only dataFormat 'NHWC'/);
    tf.dispose([x, dy]);
  });

  it('trains a small convnet on wasm: the loss falls under SGD', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const STEPS = 20;
    const conv = tf.variable(tf.tensor4d(seeded(3 * 3 * 3 * 8, 1), [3, 3, 3, 8]).mul(0.3));
    const dw = tf.variable(tf.tensor4d(seeded(3 * 3 * 8, 2), [3, 3, 8, 1]).mul(0.3));
    const dense = tf.variable(tf.tensor2d(seeded(8 * 2, 3), [8, 2]).mul(0.3));
    const x = tf.tensor4d(seeded(4 * 12 * 12 * 3, 4), [4, 12, 12, 3]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 2).toFloat();
    const loss = (): tf.Scalar =>
      tf.tidy(() => {
        const h1 = tf.relu(tf.conv2d(x, conv as tf.Tensor4D, 2, 'same'));
        const h2 = tf.relu(tf.depthwiseConv2d(h1, dw as tf.Tensor4D, 2, 'same'));
        const logits = tf.matMul(tf.mean(h2, [1, 2]), dense);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      });
    const opt = tf.train.sgd(1);
    const convBefore = conv.clone();
    const dwBefore = dw.clone();
    const first = (await loss().data())[0]!;
    const before = tf.memory().numTensors;
    for (let step = 0; step < STEPS; step++) opt.minimize(loss, false, [conv, dw, dense]);
    expect(tf.memory().numTensors).toBe(before);
    const last = (await loss().data())[0]!;
    results.push(`  training: loss ${first.toFixed(4)} -> ${last.toFixed(4)} after ${STEPS} SGD steps`);
    expect(last).toBeLessThan(first * 0.9);
    // The conv weights moved, so the gradients went through the composed kernels.
    const moved = (a: tf.Tensor, b: tf.Tensor): number =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    expect(moved(conv, convBefore)).toBeGreaterThan(1e-4);
    expect(moved(dw, dwBefore)).toBeGreaterThan(1e-4);
    tf.dispose([conv, dw, dense, x, y, convBefore, dwBefore]);
    opt.dispose();
  });
});
