import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildNetwork } from './build-network';
import { parameterCount } from './ir';
import { describeParity, loadSpaces, parity, sampledArch } from './testing/parity';

/**
 * The parity requirement, one sampled arch per space on the wasm backend (fast enough for
 * OFA at r=128): tfjs and onnxruntime logits agree within 1e-4, params equal the space's count,
 * output is [batch, classes], nothing leaks.
 */
const registry = loadSpaces();
const BATCH = 2;

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe.each(['nasbench201', 'fbnet', 'ofa-mbv3', 'fmnist-mbv3'])('%s (wasm)', (id) => {
  const space = registry.get(id);
  const arch = sampledArch(space, 7);
  const graph = buildNetwork(space, arch, { seed: 42, batchSize: BATCH });

  it('has exactly the parameters the space counts', () => {
    expect(parameterCount(graph)).toBe(Math.round(space.params(arch) * 1e6));
  });

  it('gives the same logits in tfjs and onnxruntime, without leaking tensors', async () => {
    const r = await parity(graph, BATCH);
    console.log(describeParity(id, graph, r, 'wasm'));
    expect(r.onnxDims).toEqual([BATCH, graph.numClasses]);
    expect(r.tfjs.length).toBe(BATCH * graph.numClasses);
    expect(r.tfjs.every(Number.isFinite)).toBe(true);
    // Logits are O(1) by construction (see GraphBuilder), so an absolute bound is meaningful.
    expect(r.maxLogit).toBeGreaterThan(0.05);
    expect(r.maxLogit).toBeLessThan(100);
    expect(r.maxAbs).toBeLessThan(1e-4);
    expect(r.leakedTensors).toBe(0);
    expect(r.leakedByModel).toBe(0);
  }, 60_000);
});
