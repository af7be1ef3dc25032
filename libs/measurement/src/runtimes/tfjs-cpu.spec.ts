import type * as Tf from '@tensorflow/tfjs';
import { TailorError } from '@tailor/common';
import { measure } from '../protocol';
import { TINY_CONV_INPUT, tinyConvNet } from '../testing/tiny-tfjs';
import { resolveRuntime } from './resolve-runtime';
import { tfjsProcessOwner } from './tfjs-runtime';

// One tfjs runtime per process: jest gives each spec file its own module registry and globals,
// which is why tfjs-cpu and tfjs-wasm live in separate files.
describe('tfjs-cpu runtime', () => {
  const runtime = resolveRuntime('tfjs-cpu', { threads: 1 });
  let tf: typeof Tf;

  beforeAll(async () => {
    await runtime.load();
    tf = require('@tensorflow/tfjs');
  });

  it('loads the cpu backend and reports its version', () => {
    expect(tf.getBackend()).toBe('cpu');
    expect(runtime.info()).toEqual({
      name: 'tfjs-cpu',
      version: tf.version_core,
      requestedThreads: 1,
      threads: 1,
      notes: [],
    });
    expect(tfjsProcessOwner()).toEqual({ name: 'tfjs-cpu', threads: 1 });
  });

  it('measures a tiny conv net end to end without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const factory = runtime.fromTfjs!(tinyConvNet, { batch: 2, shape: TINY_CONV_INPUT, seed: 1 });
    const m = await measure(factory, { warmupRuns: 2, repeats: 3, minRepeatMs: 5 });
    expect(m.samples).toHaveLength(3);
    expect(m.stats.median).toBeGreaterThan(0);
    expect(m.buildMs).toBeGreaterThan(0);
    expect(m.attempts[0].runsPerRepeat.every((r) => r >= 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('run() reads outputs back and frees them (tensor count stable across runs)', async () => {
    const model = await runtime.fromTfjs!(tinyConvNet, { batch: 1, shape: TINY_CONV_INPUT, seed: 3 })();
    await model.run();
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await model.run();
    expect(tf.memory().numTensors).toBe(afterFirst);
    model.dispose();
  });

  it('feeds the same seeded input every time (identical outputs for a seed)', async () => {
    const outputFor = async (seed: number) => {
      const data = new Float32Array(TINY_CONV_INPUT.reduce((a, b) => a * b, 1));
      const net = await tinyConvNet(tf);
      // Reuse the runtime's input generation through a factory, then read one prediction.
      const factory = runtime.fromTfjs!(
        () => ({
          predict: (x: Tf.Tensor) => {
            data.set(x.dataSync());
            return net.predict(x) as Tf.Tensor;
          },
          dispose: () => net.dispose(),
        }),
        { batch: 1, shape: TINY_CONV_INPUT, seed },
      );
      const model = await factory();
      await model.run();
      model.dispose();
      return Array.from(data.slice(0, 5));
    };
    expect(await outputFor(5)).toEqual(await outputFor(5));
    expect(await outputFor(5)).not.toEqual(await outputFor(6));
  });

  it('refuses a second, different tfjs runtime in the same process', async () => {
    const other = resolveRuntime('tfjs-wasm', { threads: 1 });
    await expect(other.load()).rejects.toThrow(TailorError);
    await expect(other.load()).rejects.toMatchObject({ code: 'CONFLICT', field: 'runtime' });
    // The same runtime and thread count is fine (idempotent per process).
    await expect(resolveRuntime('tfjs-cpu').load()).resolves.toBeUndefined();
  });

  it('a runtime must be loaded before it builds models', async () => {
    // A fresh runtime object that was never loaded, even though the process owner matches.
    const fresh = resolveRuntime('tfjs-cpu');
    await expect(
      fresh.fromTfjs!(tinyConvNet, { batch: 1, shape: TINY_CONV_INPUT, seed: 1 })(),
    ).rejects.toThrow(/call load\(\)/);
  });
});
