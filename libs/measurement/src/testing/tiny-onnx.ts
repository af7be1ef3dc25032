import * as protobuf from 'protobufjs';

/**
 * A hand-written subset of onnx/onnx.proto (proto2, package onnx) — just enough to serialise a
 * small inference graph. Field numbers are copied from the official file; anything omitted is
 * optional there, so onnxruntime parses the bytes as a normal model.
 */
const onnxSubset = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            name: { type: 'string', id: 8 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } },
        },
        // TypeProto.Tensor in onnx.proto; a nested message, flattened here for brevity (same wire format).
        TypeProtoTensor: {
          fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
        },
        Dimension: {
          oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
          fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
        },
      },
    },
  },
});

const FLOAT = 1; // TensorProto.DataType.FLOAT

const tensorType = (dims: Array<number | string>) => ({
  tensorType: {
    elemType: FLOAT,
    shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
  },
});

/**
 * Y = Relu(X · W) with X: [N, inFeatures] (N symbolic, so any batch works) and W a fixed
 * [inFeatures, outFeatures] initializer with deterministic weights.
 */
export function tinyMatMulReluOnnx(inFeatures = 4, outFeatures = 3): Uint8Array {
  const weights = Array.from({ length: inFeatures * outFeatures }, (_, i) => ((i % 7) - 3) / 4);
  const Model = onnxSubset.lookupType('onnx.ModelProto');
  const model = {
    irVersion: 8,
    producerName: 'tailor-measurement-tests',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny_matmul_relu',
      node: [
        { input: ['X', 'W'], output: ['H'], name: 'matmul', opType: 'MatMul' },
        { input: ['H'], output: ['Y'], name: 'relu', opType: 'Relu' },
      ],
      initializer: [{ name: 'W', dims: [inFeatures, outFeatures], dataType: FLOAT, floatData: weights }],
      input: [{ name: 'X', type: tensorType(['N', inFeatures]) }],
      output: [{ name: 'Y', type: tensorType(['N', outFeatures]) }],
    },
  };
  const problem = Model.verify(model);
  if (problem) throw new Error(`tiny ONNX model invalid: ${problem}`);
  return Model.encode(Model.fromObject(model)).finish();
}

/** The weights tinyMatMulReluOnnx uses, for checking outputs in tests. */
export function tinyMatMulReluReference(x: Float32Array, inFeatures = 4, outFeatures = 3): Float32Array {
  const w = Array.from({ length: inFeatures * outFeatures }, (_, i) => ((i % 7) - 3) / 4);
  const rows = x.length / inFeatures;
  const y = new Float32Array(rows * outFeatures);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let acc = 0;
      for (let i = 0; i < inFeatures; i++) acc += x[r * inFeatures + i] * w[i * outFeatures + o];
      y[r * outFeatures + o] = Math.max(0, acc);
    }
  }
  return y;
}
