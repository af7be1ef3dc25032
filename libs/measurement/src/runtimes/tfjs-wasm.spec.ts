import type * as Tf from '@tensorflow/tfjs';
import { measure } from '../protocol';
import { TINY_CONV_INPUT, tinyConvNet } from '../testing/tiny-tfjs';
import { resolveRuntime } from './resolve-runtime';

// Separate file from tfjs-cpu: tfjs backends are process-global (see tfjs-runtime.ts).
describe('tfjs-wasm runtime', () => {
  // Ask for 2 threads to document what Node actually gives us.
  const runtime = resolveRuntime('tfjs-wasm', { threads: 2 });
  let tf: typeof Tf;

  beforeAll(async () => {
    await runtime.load();
    tf = require('@tensorflow/tfjs');
  });

  it('loads the wasm backend; under Node it runs single-threaded and says so', () => {
    expect(tf.getBackend()).toBe('wasm');
    const info = runtime.info();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.requestedThreads).toBe(2);
    expect(info.threads).toBe(1);
    expect(info.notes.join(' ')).toMatch(/requested 2 threads but runs 1/);
  });

  it('measures a tiny conv net without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const factory = runtime.fromTfjs!(tinyConvNet, { batch: 2, shape: TINY_CONV_INPUT, seed: 1 });
    const m = await measure(factory, { warmupRuns: 2, repeats: 3, minRepeatMs: 5 });
    expect(m.samples).toHaveLength(3);
    expect(m.stats.median).toBeGreaterThan(0);
    expect(m.firstRunMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
