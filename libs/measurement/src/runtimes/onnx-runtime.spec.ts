/**
 * @jest-environment ./libs/measurement/src/testing/node-realm-environment.js
 */
import { measure } from '../protocol';
import { seededFloat32 } from '../seeded-input';
import { tinyMatMulReluOnnx, tinyMatMulReluReference } from '../testing/tiny-onnx';
import { resolveRuntime } from './resolve-runtime';

describe('onnxruntime runtime', () => {
  const runtime = resolveRuntime('onnxruntime', { threads: 2 });
  const bytes = tinyMatMulReluOnnx();

  beforeAll(() => runtime.load());

  it('reports version and threads', () => {
    expect(runtime.info()).toMatchObject({ name: 'onnxruntime', requestedThreads: 2, threads: 2 });
    expect(runtime.version).toMatch(/^1\.\d+\.\d+/);
  });

  it('the hand-written ONNX model runs and computes Relu(X·W)', async () => {
    const ort: typeof import('onnxruntime-node') = require('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes);
    const x = seededFloat32([3, 4], 9);
    const out = await session.run({ X: new ort.Tensor('float32', x, [3, 4]) });
    expect(out.Y.dims).toEqual([3, 3]);
    const expected = tinyMatMulReluReference(x);
    Array.from(out.Y.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    await session.release();
  });

  it('measures the tiny model with batch 8', async () => {
    const factory = runtime.fromOnnx!(bytes, { batch: 8, shape: [4], seed: 1 });
    const m = await measure(factory, { warmupRuns: 2, repeats: 3, minRepeatMs: 5 });
    expect(m.samples).toHaveLength(3);
    expect(m.stats.median).toBeGreaterThan(0);
    // A sub-millisecond model fills a 5 ms repeat with many runs.
    expect(m.attempts[0].runsPerRepeat[0]).toBeGreaterThan(1);
  });

  it('names the bad input when inputName does not exist', async () => {
    const factory = runtime.fromOnnx!(bytes, { batch: 1, shape: [4], seed: 1, inputName: 'nope' });
    await expect(factory()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'input.inputName' });
  });
});
