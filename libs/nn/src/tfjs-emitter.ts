import * as tf from '@tensorflow/tfjs';
import type { ConvNode, NnGraph, NnNode } from './ir';
import { convKernelHwio, denseKernel, depthwiseKernel, isDepthwise } from './weight-layout';

type Sym = tf.SymbolicTensor;
/** Weights to set once the model is built (layers only own variables after they are applied). */
type Pending = { layer: tf.layers.Layer; weights: () => tf.Tensor[] };

/**
 * Layers initialise their variables when built, before `setWeights` overwrites them; the default
 * Glorot draws dominate build time (seconds for OFA's 7M weights), so start from zeros instead.
 */
const NO_INIT = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;

const apply = (layer: tf.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;

/**
 * PyTorch pads symmetrically; tfjs `same` pads the extra pixel at the end for stride 2. So `same` is
 * used only where both agree (stride 1, pad = (k−1)/2); otherwise an explicit ZeroPadding2D + `valid`.
 */
function padded(
  x: Sym,
  node: { id: string; kernel: number; stride: number; pad: number },
): [Sym, 'same' | 'valid'] {
  if (node.pad === 0) return [x, 'valid'];
  if (node.stride === 1 && 2 * node.pad === node.kernel - 1) return [x, 'same'];
  const p = node.pad;
  const layer = tf.layers.zeroPadding2d({
    padding: [
      [p, p],
      [p, p],
    ],
    name: `${node.id}_pad`,
  });
  return [apply(layer, x), 'valid'];
}

function conv(node: ConvNode, x: Sym, pending: Pending[]): Sym {
  const cin = x.shape[3] as number;
  const [input, padding] = padded(x, node);
  const base = {
    kernelSize: node.kernel,
    strides: node.stride,
    padding,
    useBias: node.bias !== null,
    name: node.id,
    ...NO_INIT,
  };
  const bias = node.bias;
  let layer: tf.layers.Layer;
  let kernel: () => tf.Tensor;
  if (isDepthwise(node, cin)) {
    layer = tf.layers.depthwiseConv2d({ ...base, depthMultiplier: 1, depthwiseInitializer: 'zeros' });
    kernel = () => tf.tensor4d(depthwiseKernel(node.weight), [node.kernel, node.kernel, cin, 1]);
  } else {
    const cout = node.weight.shape[0];
    layer = tf.layers.conv2d({ ...base, filters: cout });
    kernel = () =>
      tf.tensor4d(convKernelHwio(node.weight, node.groups), [node.kernel, node.kernel, cin, cout]);
  }
  pending.push({ layer, weights: () => (bias ? [kernel(), tf.tensor1d(bias.data)] : [kernel()]) });
  return apply(layer, input);
}

/** h_sigmoid(x) = relu6(x + 3) / 6 = clip(x / 6 + 1/2, 0, 1): built-in layers only, as ONNX's HardSigmoid. */
function hSigmoid(x: Sym, name: string): Sym {
  const affine = apply(tf.layers.rescaling({ scale: 1 / 6, offset: 0.5, name: `${name}_affine` }), x);
  return apply(tf.layers.reLU({ maxValue: 1, name }), affine);
}

function emit(node: NnNode, v: (id: string) => Sym, pending: Pending[]): Sym {
  const name = node.id;
  switch (node.op) {
    case 'input':
      throw new Error('input handled by toTfjs');
    case 'conv':
      return conv(node, v(node.input), pending);
    case 'batch-norm': {
      const layer = tf.layers.batchNormalization({ axis: -1, epsilon: node.epsilon, name });
      const w = [node.gamma, node.beta, node.mean, node.variance];
      pending.push({ layer, weights: () => w.map((t) => tf.tensor1d(t.data)) });
      return apply(layer, v(node.input));
    }
    case 'relu':
      return apply(tf.layers.reLU({ name }), v(node.input));
    case 'h-sigmoid':
      return hSigmoid(v(node.input), name);
    case 'h-swish': {
      const x = v(node.input);
      return apply(tf.layers.multiply({ name }), [x, hSigmoid(x, `${name}_gate`)]);
    }
    case 'zero':
      // x · 0 like PyTorch's Zero op (a constant would lose the dynamic batch dimension).
      return apply(tf.layers.rescaling({ scale: 0, offset: 0, name }), v(node.input));
    case 'avg-pool': {
      const same = node.stride === 1 && 2 * node.pad === node.kernel - 1;
      if (node.pad !== 0 && !same) throw new Error(`${name}: tfjs cannot exclude asymmetric pool padding`);
      // TF's `same` average pool divides by the in-bounds count: PyTorch's count_include_pad=False.
      const args = {
        poolSize: node.kernel,
        strides: node.stride,
        padding: same ? 'same' : 'valid',
        name,
      } as const;
      return apply(tf.layers.averagePooling2d(args), v(node.input));
    }
    case 'channel-shuffle': {
      const [h, w, c] = node.shape;
      const g = node.groups;
      let x = apply(
        tf.layers.reshape({ targetShape: [h, w, g, c / g], name: `${name}_split` }),
        v(node.input),
      );
      x = apply(tf.layers.permute({ dims: [1, 2, 4, 3], name: `${name}_swap` }), x);
      return apply(tf.layers.reshape({ targetShape: [h, w, c], name }), x);
    }
    case 'add':
      return apply(tf.layers.add({ name }), node.inputs.map(v));
    case 'mul':
      return apply(tf.layers.multiply({ name }), node.inputs.map(v));
    case 'global-avg-pool': {
      const pooled = apply(tf.layers.globalAveragePooling2d({ name: `${name}_pool` }), v(node.input));
      return apply(tf.layers.reshape({ targetShape: [...node.shape], name }), pooled);
    }
    case 'flatten':
      return apply(tf.layers.flatten({ name }), v(node.input));
    case 'linear': {
      const layer = tf.layers.dense({ units: node.shape[0], useBias: node.bias !== null, name, ...NO_INIT });
      const [outF, inF] = node.weight.shape;
      const bias = node.bias;
      pending.push({
        layer,
        weights: () => {
          const kernel = tf.tensor2d(denseKernel(node.weight), [inF, outF]);
          return bias ? [kernel, tf.tensor1d(bias.data)] : [kernel];
        },
      });
      return apply(layer, v(node.input));
    }
  }
}

/**
 * The IR as a tfjs LayersModel (NHWC input `[batch, h, w, c]`, logits `[batch, classes]`), built from
 * built-in layers only so `model.save()` produces a model.json any tfjs runtime can load.
 */
export function toTfjs(graph: NnGraph): tf.LayersModel {
  const values = new Map<string, Sym>();
  const v = (id: string): Sym => {
    const s = values.get(id);
    if (!s) throw new Error(`IR node ${id} used before it is defined`);
    return s;
  };
  const pending: Pending[] = [];
  const input = tf.input({ shape: [...graph.inputShape], name: graph.input });
  values.set(graph.input, input);
  for (const node of graph.nodes) {
    if (node.op !== 'input') values.set(node.id, emit(node, v, pending));
  }
  const model = tf.model({ inputs: input, outputs: v(graph.output), name: `${graph.spaceId}_net` });
  // Variables take over the tensors' data (refcounted), so the temporaries can go with the tidy.
  tf.tidy(() => pending.forEach((p) => p.layer.setWeights(p.weights())));
  return model;
}

/** Runs the model on an NHWC batch and returns the logits; leaves no tensors behind. */
export function predictTfjs(model: tf.LayersModel, input: Float32Array, batch: number): Float32Array {
  const shape = model.inputs[0].shape.slice(1) as number[];
  const out = tf.tidy(
    () => model.predict(tf.tensor4d(input, [batch, shape[0], shape[1], shape[2]])) as tf.Tensor,
  );
  const data = Float32Array.from(out.dataSync() as Float32Array);
  out.dispose();
  return data;
}
