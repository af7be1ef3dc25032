import { TailorError } from '@tailor/common';
import { resolveRuntime } from './resolve-runtime';
import { RUNTIME_NAMES } from './runtime';
import { TfjsRuntime, tfjsProcessOwner } from './tfjs-runtime';

describe('resolveRuntime', () => {
  it('rejects an unknown name, listing the known runtimes', () => {
    const call = () => resolveRuntime('tensorrt');
    expect(call).toThrow(TailorError);
    expect(call).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'runtime' }));
    expect(call).toThrow('known runtimes: tfjs-wasm, tfjs-cpu, tfjs-node, onnxruntime');
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects threads %p', (threads) => {
    expect(() => resolveRuntime('tfjs-cpu', { threads })).toThrow(
      expect.objectContaining({ field: 'threads' }),
    );
  });

  it.each(RUNTIME_NAMES)('resolves %s without loading it', (name) => {
    const runtime = resolveRuntime(name, { threads: 3 });
    expect(runtime).toMatchObject({ name, requestedThreads: 3, loaded: false, version: '' });
  });

  it('offers fromTfjs on tfjs runtimes and fromOnnx on onnxruntime', () => {
    expect(resolveRuntime('tfjs-wasm').fromTfjs).toBeDefined();
    expect(resolveRuntime('tfjs-wasm').fromOnnx).toBeUndefined();
    expect(resolveRuntime('onnxruntime').fromOnnx).toBeDefined();
    expect(resolveRuntime('onnxruntime').fromTfjs).toBeUndefined();
  });
});

describe('tfjs-node', () => {
  it('fails load() with a clear UNAVAILABLE error when @tensorflow/tfjs-node cannot be required', async () => {
    // Not installable here, so the real require fails; also pin the behaviour with an injected failure.
    const real = resolveRuntime('tfjs-node');
    await expect(real.load()).rejects.toMatchObject({ code: 'UNAVAILABLE', field: 'runtime' });
    await expect(real.load()).rejects.toThrow(
      /tfjs-node is unavailable.*require\('@tensorflow\/tfjs-node'\) failed/,
    );

    const injected = new TfjsRuntime('tfjs-node', 1, () => {
      throw new Error("Cannot find module '@tensorflow/tfjs-node'");
    });
    await expect(injected.load()).rejects.toThrow(/Cannot find module/);
    expect(injected.loaded).toBe(false);
    // A failed load must not claim the process for tfjs.
    expect(tfjsProcessOwner()).toBeUndefined();
  });
});
