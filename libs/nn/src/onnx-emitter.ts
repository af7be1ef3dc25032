import type { NnGraph, NnNode, Weight } from './ir';
import {
  ATTR,
  ONNX_FLOAT,
  ONNX_INT64,
  type OnnxAttribute,
  type OnnxNodeProto,
  type OnnxTensorProto,
  type OnnxValueInfo,
  encodeModel,
} from './onnx-proto';

export interface OnnxOptions {
  /** Default ONNX opset 13; every op used exists unchanged up to at least opset 21. */
  readonly opset?: number;
}

const ints = (name: string, values: readonly number[]): OnnxAttribute => ({
  name,
  type: ATTR.INTS,
  ints: [...values],
});
const int = (name: string, i: number): OnnxAttribute => ({ name, type: ATTR.INT, i });
const float = (name: string, f: number): OnnxAttribute => ({ name, type: ATTR.FLOAT, f });

/** Lowest IR version that can carry the opset (ONNX's versioning table), for the widest runtime support. */
const irVersion = (opset: number): number => (opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10);

const bytes = (data: Float32Array | BigInt64Array): Uint8Array =>
  // Node is little-endian, which is what raw_data requires.
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

class OnnxGraphWriter {
  readonly nodes: OnnxNodeProto[] = [];
  readonly initializers: OnnxTensorProto[] = [];

  node(op: string, input: string[], output: string, attribute: OnnxAttribute[] = []): string {
    this.nodes.push({ op_type: op, input, output: [output], name: output, attribute });
    return output;
  }

  weight(name: string, w: Weight): string {
    this.initializers.push({ name, dims: [...w.shape], data_type: ONNX_FLOAT, raw_data: bytes(w.data) });
    return name;
  }

  int64s(name: string, values: readonly number[]): string {
    const data = BigInt64Array.from(values.map((x) => BigInt(x)));
    this.initializers.push({ name, dims: [values.length], data_type: ONNX_INT64, raw_data: bytes(data) });
    return name;
  }

  scalar(name: string, value: number): string {
    if (!this.initializers.some((t) => t.name === name)) {
      this.initializers.push({
        name,
        dims: [],
        data_type: ONNX_FLOAT,
        raw_data: bytes(Float32Array.of(value)),
      });
    }
    return name;
  }
}

/** Emits one IR node in NCHW; returns the name of its output value. */
function emit(w: OnnxGraphWriter, node: NnNode, v: (id: string) => string): string {
  const id = node.id;
  switch (node.op) {
    case 'input':
      throw new Error('input handled by toOnnx');
    case 'conv': {
      const inputs = [v(node.input), w.weight(`${id}.weight`, node.weight)];
      if (node.bias) inputs.push(w.weight(`${id}.bias`, node.bias));
      const { kernel: k, stride: s, pad: p } = node;
      return w.node('Conv', inputs, id, [
        ints('kernel_shape', [k, k]),
        ints('strides', [s, s]),
        ints('pads', [p, p, p, p]),
        ints('dilations', [1, 1]),
        int('group', node.groups),
      ]);
    }
    case 'batch-norm': {
      const stats = [node.gamma, node.beta, node.mean, node.variance];
      const names = ['weight', 'bias', 'running_mean', 'running_var'].map((n, i) =>
        w.weight(`${id}.${n}`, stats[i]),
      );
      return w.node('BatchNormalization', [v(node.input), ...names], id, [float('epsilon', node.epsilon)]);
    }
    case 'relu':
      return w.node('Relu', [v(node.input)], id);
    case 'h-sigmoid':
      // HardSigmoid(α=1/6, β=1/2) = clip(x/6 + 1/2, 0, 1) = relu6(x + 3) / 6.
      return w.node('HardSigmoid', [v(node.input)], id, [float('alpha', 1 / 6), float('beta', 0.5)]);
    case 'h-swish': {
      // HardSigmoid + Mul rather than HardSwish (opset 14+), so opset 13 works too.
      const gate = w.node('HardSigmoid', [v(node.input)], `${id}_gate`, [
        float('alpha', 1 / 6),
        float('beta', 0.5),
      ]);
      return w.node('Mul', [v(node.input), gate], id);
    }
    case 'zero':
      return w.node('Mul', [v(node.input), w.scalar('zero_scalar', 0)], id);
    case 'avg-pool': {
      const { kernel: k, stride: s, pad: p } = node;
      return w.node('AveragePool', [v(node.input)], id, [
        ints('kernel_shape', [k, k]),
        ints('strides', [s, s]),
        ints('pads', [p, p, p, p]),
        int('count_include_pad', 0),
      ]);
    }
    case 'channel-shuffle': {
      const [h, wd, c] = node.shape;
      const g = node.groups;
      const split = w.node(
        'Reshape',
        [v(node.input), w.int64s(`${id}.split_shape`, [-1, g, c / g, h, wd])],
        `${id}_split`,
      );
      const swapped = w.node('Transpose', [split], `${id}_swap`, [ints('perm', [0, 2, 1, 3, 4])]);
      return w.node('Reshape', [swapped, w.int64s(`${id}.merge_shape`, [-1, c, h, wd])], id);
    }
    case 'add':
      return w.node('Sum', node.inputs.map(v), id);
    case 'mul':
      return w.node('Mul', node.inputs.map(v), id);
    case 'global-avg-pool':
      return w.node('GlobalAveragePool', [v(node.input)], id);
    case 'flatten':
      return w.node('Flatten', [v(node.input)], id, [int('axis', 1)]);
    case 'linear': {
      const inputs = [v(node.input), w.weight(`${id}.weight`, node.weight)];
      if (node.bias) inputs.push(w.weight(`${id}.bias`, node.bias));
      return w.node('Gemm', inputs, id, [int('transB', 1)]);
    }
  }
}

const valueInfo = (name: string, dims: (number | string)[]): OnnxValueInfo => ({
  name,
  type: {
    tensor_type: {
      elem_type: ONNX_FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
    },
  },
});

/**
 * The IR as a serialized ONNX ModelProto. The graph input is NHWC `[N, h, w, c]` (the same tensor tfjs
 * takes) and is transposed once to NCHW, ONNX's native conv layout; the output is `[N, classes]`.
 * The batch dimension is symbolic (`N`).
 */
export function toOnnx(graph: NnGraph, opts: OnnxOptions = {}): Uint8Array {
  const opset = opts.opset ?? 13;
  if (!Number.isInteger(opset) || opset < 13)
    throw new RangeError(`opset must be an integer ≥ 13, got ${opset}`);
  const w = new OnnxGraphWriter();
  const values = new Map<string, string>();
  const v = (id: string): string => {
    const name = values.get(id);
    if (name === undefined) throw new Error(`IR node ${id} used before it is defined`);
    return name;
  };
  values.set(
    graph.input,
    w.node('Transpose', [graph.input], `${graph.input}_nchw`, [ints('perm', [0, 3, 1, 2])]),
  );
  for (const node of graph.nodes) {
    if (node.op !== 'input') values.set(node.id, emit(w, node, v));
  }
  // The model output gets a stable name whatever IR node produced it.
  w.node('Identity', [v(graph.output)], 'logits');
  return encodeModel({
    ir_version: irVersion(opset),
    opset_import: [{ domain: '', version: opset }],
    producer_name: 'tailor-nn',
    producer_version: '0.1.0',
    doc_string: `${graph.spaceId} ${graph.arch} seed ${graph.seed}`,
    graph: {
      name: `${graph.spaceId}_net`,
      node: w.nodes,
      initializer: w.initializers,
      input: [valueInfo(graph.input, ['N', ...graph.inputShape])],
      output: [valueInfo('logits', ['N', graph.numClasses])],
    },
  });
}
