/**
 * Backend-neutral network IR: a topologically ordered list of typed nodes whose weights are plain
 * Float32Arrays. Both emitters (tfjs, ONNX) consume it, so "same weights" holds by construction.
 *
 * Conventions (chosen so the ONNX emitter needs no weight shuffling, PyTorch/ONNX being the reference):
 * - activation shapes exclude the batch and are HWC (`[h, w, c]`), or `[features]` after `flatten`;
 * - conv weights are OIHW `[cout, cin / groups, k, k]`, linear weights `[out, in]` (PyTorch layouts);
 * - padding is PyTorch's symmetric `pad` on every side; BN is NOT folded (inference mode: running stats).
 */
export interface Weight {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

interface NodeBase {
  /** Unique, [a-z0-9_] only: used as tfjs layer name and ONNX value name. */
  readonly id: string;
  /** Output shape without the batch dimension. */
  readonly shape: readonly number[];
}

export interface InputNode extends NodeBase {
  readonly op: 'input';
}

export interface ConvNode extends NodeBase {
  readonly op: 'conv';
  readonly input: string;
  readonly weight: Weight;
  readonly bias: Weight | null;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly groups: number;
}

export interface BatchNormNode extends NodeBase {
  readonly op: 'batch-norm';
  readonly input: string;
  readonly gamma: Weight;
  readonly beta: Weight;
  readonly mean: Weight;
  readonly variance: Weight;
  readonly epsilon: number;
}

/** Element-wise or shape ops with one input and no weights. `zero` is NB201's `none` (x · 0). */
export interface UnaryNode extends NodeBase {
  readonly op: 'relu' | 'h-swish' | 'h-sigmoid' | 'zero' | 'global-avg-pool' | 'flatten';
  readonly input: string;
}

/** Average pool; padding never counts (PyTorch `count_include_pad=False`, TF `same`). */
export interface AvgPoolNode extends NodeBase {
  readonly op: 'avg-pool';
  readonly input: string;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
}

/** ShuffleNet channel shuffle: view as [groups, c / groups], transpose, flatten. */
export interface ChannelShuffleNode extends NodeBase {
  readonly op: 'channel-shuffle';
  readonly input: string;
  readonly groups: number;
}

export interface AddNode extends NodeBase {
  readonly op: 'add';
  readonly inputs: readonly string[];
}

/** `inputs[0]` · `inputs[1]`, the second broadcast from `[1, 1, c]` (SE rescale). */
export interface MulNode extends NodeBase {
  readonly op: 'mul';
  readonly inputs: readonly [string, string];
}

export interface LinearNode extends NodeBase {
  readonly op: 'linear';
  readonly input: string;
  readonly weight: Weight;
  readonly bias: Weight | null;
}

export type NnNode =
  | InputNode
  | ConvNode
  | BatchNormNode
  | UnaryNode
  | AvgPoolNode
  | ChannelShuffleNode
  | AddNode
  | MulNode
  | LinearNode;

export interface NnGraph {
  readonly spaceId: string;
  /** Canonical arch string. */
  readonly arch: string;
  readonly seed: number;
  /** Batch the model is meant for; emitters keep the batch dimension dynamic anyway. */
  readonly batchSize: number;
  /** [h, w, c] of the input. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly nodes: readonly NnNode[];
  readonly input: string;
  readonly output: string;
}

/** Inputs a node reads, for graph walks. */
export function nodeInputs(node: NnNode): readonly string[] {
  switch (node.op) {
    case 'input':
      return [];
    case 'add':
    case 'mul':
      return node.inputs;
    default:
      return [node.input];
  }
}

/**
 * Trainable parameters, counted like the spaces' cost models: weights, biases and BN's γ/β
 * (running mean/var are buffers, not parameters).
 */
export function parameterCount(graph: NnGraph): number {
  let total = 0;
  for (const node of graph.nodes) {
    if (node.op === 'conv' || node.op === 'linear') {
      total += node.weight.data.length + (node.bias?.data.length ?? 0);
    } else if (node.op === 'batch-norm') {
      total += node.gamma.data.length + node.beta.data.length;
    }
  }
  return total;
}
