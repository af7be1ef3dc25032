import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tailor/common';
import { buildNetwork } from './build-network';
import { type NnGraph, nodeInputs } from './ir';
import { toOnnx } from './onnx-emitter';
import { modelProtoType } from './onnx-proto';
import { predictTfjs, toTfjs } from './tfjs-emitter';
import { loadSpaces, seededInput } from './testing/parity';

const registry = loadSpaces();
const nb201 = registry.get('nasbench201');
const fmnist = registry.get('fmnist-mbv3');
const NB_ARCH = nb201.parse(
  '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|',
);

const weightsOf = (g: NnGraph): Float32Array[] =>
  g.nodes.flatMap((n) => {
    if (n.op === 'conv' || n.op === 'linear') return [n.weight.data, ...(n.bias ? [n.bias.data] : [])];
    if (n.op === 'batch-norm') return [n.gamma.data, n.beta.data, n.mean.data, n.variance.data];
    return [];
  });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('buildNetwork', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = weightsOf(buildNetwork(fmnist, fmnist.sample(Rng.fromSeed(1)), { seed: 5 }));
    const b = weightsOf(buildNetwork(fmnist, fmnist.sample(Rng.fromSeed(1)), { seed: 5 }));
    const c = weightsOf(buildNetwork(fmnist, fmnist.sample(Rng.fromSeed(1)), { seed: 6 }));
    expect(a.length).toBe(b.length);
    a.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b[i].buffer))).toBe(true));
    expect(a.some((w, i) => !Buffer.from(w.buffer).equals(Buffer.from(c[i].buffer)))).toBe(true);
  });

  it('produces a well-formed graph: unique ids, inputs defined before use, shapes end in the classes', () => {
    const g = buildNetwork(nb201, NB_ARCH, { seed: 1, numClasses: 100, resolution: 16 });
    const seen = new Set<string>();
    for (const node of g.nodes) {
      expect(node.id).toMatch(/^[a-z0-9_]+$/);
      expect(seen.has(node.id)).toBe(false);
      nodeInputs(node).forEach((id) => expect(seen.has(id)).toBe(true));
      seen.add(node.id);
    }
    expect(g.inputShape).toEqual([16, 16, 3]);
    expect(g.numClasses).toBe(100);
    expect(g.nodes.find((n) => n.id === g.output)?.shape).toEqual([100]);
  });

  it('uses non-trivial BN statistics', () => {
    const g = buildNetwork(nb201, NB_ARCH, { seed: 1, resolution: 8 });
    const bn = g.nodes.find((n) => n.op === 'batch-norm');
    if (bn?.op !== 'batch-norm') throw new Error('no BN');
    expect(bn.mean.data.some((v) => v !== 0)).toBe(true);
    expect(bn.variance.data.some((v) => Math.abs(v - 1) > 0.01)).toBe(true);
    expect(bn.gamma.data.some((v) => Math.abs(v - 1) > 0.01)).toBe(true);
  });

  it('rejects what it cannot build', () => {
    const ofa = registry.get('ofa-mbv3');
    const arch = ofa.parse({ ...(ofa.sample(Rng.fromSeed(2)) as object), r: 160 });
    expect(() => buildNetwork(ofa, arch, { seed: 1, resolution: 128 })).toThrow(/resolution from the arch/);
    expect(() => buildNetwork(nb201, NB_ARCH, { seed: 0.5 })).toThrow(/seed/);
    const fake = { ...nb201, id: 'mystery', canonical: () => 'x' };
    expect(() => buildNetwork(fake, NB_ARCH, { seed: 1 })).toThrow(/no network builder/);
  });
});

describe('toOnnx', () => {
  const graph = buildNetwork(nb201, NB_ARCH, { seed: 1, resolution: 8 });

  it('writes a ModelProto that decodes back with the requested opset and every weight', () => {
    const type = modelProtoType();
    const model = type.toObject(type.decode(toOnnx(graph, { opset: 17 })), { longs: Number }) as {
      ir_version: number;
      opset_import: { version: number }[];
      graph: { node: { op_type: string }[]; initializer: { name: string }[]; input: { name: string }[] };
    };
    expect(model.ir_version).toBe(8);
    expect(model.opset_import).toEqual([{ domain: '', version: 17 }]);
    expect(model.graph.input.map((i) => i.name)).toEqual([graph.input]);
    const ops = new Set(model.graph.node.map((n) => n.op_type));
    for (const op of [
      'Transpose',
      'Conv',
      'BatchNormalization',
      'Relu',
      'AveragePool',
      'Mul',
      'Sum',
      'Gemm',
    ]) {
      expect(ops.has(op)).toBe(true);
    }
    const weightTensors = weightsOf(graph).length;
    // + the shared zero scalar of the `none` edges.
    expect(model.graph.initializer.length).toBe(weightTensors + 1);
  });

  it('refuses opsets below 13', () => {
    expect(() => toOnnx(graph, { opset: 12 })).toThrow(/opset/);
  });
});

describe('toTfjs', () => {
  it('builds a LayersModel that saves and reloads (built-in layers only) with identical outputs', async () => {
    const graph = buildNetwork(fmnist, fmnist.sample(Rng.fromSeed(4)), { seed: 9 });
    const model = toTfjs(graph);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const input = seededInput(28 * 28, 2);
    const a = predictTfjs(model, input, 1);
    const b = predictTfjs(reloaded, input, 1);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(reloaded.countParams()).toBe(model.countParams());
    model.dispose();
    reloaded.dispose();
  }, 30_000);
});
