import type { Activation } from '@tailor/search-spaces';
import { WeightInit } from './init';
import type { NnGraph, NnNode } from './ir';

/** A node before it gets its id (distributes over the union, unlike a plain Omit). */
type NodeSpec = NnNode extends infer N ? (N extends NnNode ? Omit<N, 'id'> : never) : never;

/** Output size of a PyTorch conv/pool: floor((n + 2·pad − k) / stride) + 1. */
export const outSize = (n: number, kernel: number, stride: number, pad: number): number =>
  Math.floor((n + 2 * pad - kernel) / stride) + 1;

export interface ConvOptions {
  readonly cout: number;
  readonly kernel: number;
  readonly stride?: number;
  /** Defaults to (kernel − 1) / 2, PyTorch's usual "same" for odd kernels. */
  readonly pad?: number;
  readonly groups?: number;
  readonly bias?: boolean;
}

/** E[f(x)²] for x ~ N(0, m), by a 201-point rule on ±6σ: the second moment after a nonlinearity. */
function gaussianMoment(m: number, f: (x: number) => number): number {
  const s = Math.sqrt(m);
  let sum = 0;
  let weight = 0;
  for (let i = -100; i <= 100; i++) {
    const z = (6 * i) / 100;
    const p = Math.exp((-z * z) / 2);
    sum += p * f(s * z) ** 2;
    weight += p;
  }
  return sum / weight;
}
const meanSquare = (d: Float32Array): number => d.reduce((a, v) => a + v * v, 0) / d.length;
const hSigmoidFn = (x: number): number => Math.min(Math.max(x / 6 + 0.5, 0), 1);

/**
 * Appends IR nodes while tracking shapes and drawing weights from one seeded WeightInit. Space
 * builders call it in PyTorch module order; `scope` names the nodes (ids are unique, [a-z0-9_]).
 *
 * Why it tracks a second moment per value: with random (untrained) weights, BN running statistics
 * unrelated to the real activations turn BN into an arbitrary affine map, and activations then grow
 * ~2× per residual block (FBNet logits reached 4·10⁴), which makes a 1e-4 absolute parity check
 * meaningless. So each BN's running variance is the analytically estimated variance of its input
 * (times a random factor in [0.5, 1.5]) and its running mean a small fraction of that scale: BN still
 * gets non-trivial statistics but keeps activations O(1), as it would after calibration.
 */
export class GraphBuilder {
  readonly init: WeightInit;
  private readonly nodes: NnNode[] = [];
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly used = new Set<string>();
  /** Estimated E[x²] of every value (see class comment). */
  private readonly moments = new Map<string, number>();
  scope = 'net';

  constructor(seed: number) {
    this.init = new WeightInit(seed);
  }

  shape(id: string): readonly number[] {
    const s = this.shapes.get(id);
    if (!s) throw new Error(`unknown IR node ${id}`);
    return s;
  }

  channels(id: string): number {
    const s = this.shape(id);
    return s[s.length - 1];
  }

  moment(id: string): number {
    return this.moments.get(id) ?? 1;
  }

  private push(node: NodeSpec, suffix: string, moment: number): string {
    let id = `${this.scope}_${suffix}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    for (let i = 2; this.used.has(id); i++) id = `${this.scope}_${suffix}${i}`.replace(/[^a-z0-9_]/g, '_');
    this.used.add(id);
    this.shapes.set(id, node.shape);
    this.moments.set(id, moment);
    this.nodes.push({ ...node, id } as NnNode);
    return id;
  }

  input(shape: readonly [number, number, number]): string {
    return this.push({ op: 'input', shape }, 'input', 1 / 3);
  }

  conv(x: string, o: ConvOptions): string {
    const [h, w, cin] = this.shape(x);
    const { cout, kernel, stride = 1, groups = 1, bias = false } = o;
    const pad = o.pad ?? Math.floor((kernel - 1) / 2);
    if (cin % groups !== 0 || cout % groups !== 0) throw new Error(`conv ${cin}→${cout} in ${groups} groups`);
    const fanIn = (cin / groups) * kernel * kernel;
    const weight = this.init.heNormal([cout, cin / groups, kernel, kernel], fanIn);
    const shape = [outSize(h, kernel, stride, pad), outSize(w, kernel, stride, pad), cout];
    const b = bias ? this.init.bias(cout) : null;
    // He-normal: E[y²] = fanIn · (2 / fanIn) · E[x²] (+ the bias's).
    const m = 2 * this.moment(x) + (b ? meanSquare(b.data) : 0);
    return this.push(
      { op: 'conv', input: x, shape, weight, bias: b, kernel, stride, pad, groups },
      'conv',
      m,
    );
  }

  batchNorm(x: string, epsilon = 1e-5): string {
    const m = this.moment(x);
    const stats = this.init.batchNorm(this.channels(x), m);
    // Output E[y²] per channel: γ²·(m + μ²)/(σ² + ε) + β², averaged over channels.
    let out = 0;
    for (let c = 0; c < stats.gamma.data.length; c++) {
      const mu = stats.mean.data[c];
      out +=
        (stats.gamma.data[c] ** 2 * (m + mu * mu)) / (stats.variance.data[c] + epsilon) +
        stats.beta.data[c] ** 2;
    }
    const node = { op: 'batch-norm', input: x, shape: this.shape(x), ...stats, epsilon } as const;
    return this.push(node, 'bn', out / stats.gamma.data.length);
  }

  unary(op: 'relu' | 'h-swish' | 'h-sigmoid' | 'zero', x: string): string {
    const m = this.moment(x);
    const out =
      op === 'relu'
        ? m / 2
        : op === 'zero'
          ? 0
          : op === 'h-sigmoid'
            ? gaussianMoment(m, hSigmoidFn)
            : gaussianMoment(m, (v) => v * hSigmoidFn(v));
    return this.push({ op, input: x, shape: this.shape(x) }, op.replace('-', ''), out);
  }

  activation(x: string, act: Activation): string {
    if (act === 'none') return x;
    return this.unary(act === 'relu' ? 'relu' : 'h-swish', x);
  }

  /** conv → BN → activation, the unit every space is made of. */
  convBnAct(x: string, o: ConvOptions, act: Activation): string {
    return this.activation(this.batchNorm(this.conv(x, o)), act);
  }

  avgPool(x: string, kernel: number, stride: number, pad: number): string {
    const [h, w, c] = this.shape(x);
    const shape = [outSize(h, kernel, stride, pad), outSize(w, kernel, stride, pad), c];
    // Averaging only shrinks E[x²]; the upper bound is good enough here.
    return this.push({ op: 'avg-pool', input: x, shape, kernel, stride, pad }, 'avgpool', this.moment(x));
  }

  channelShuffle(x: string, groups: number): string {
    const node = { op: 'channel-shuffle', input: x, shape: this.shape(x), groups } as const;
    return this.push(node, 'shuffle', this.moment(x));
  }

  add(inputs: readonly string[]): string {
    if (inputs.length === 1) return inputs[0];
    const m = inputs.reduce((sum, id) => sum + this.moment(id), 0);
    return this.push({ op: 'add', inputs: [...inputs], shape: this.shape(inputs[0]) }, 'add', m);
  }

  mul(x: string, scale: string): string {
    const m = this.moment(x) * this.moment(scale);
    return this.push({ op: 'mul', inputs: [x, scale], shape: this.shape(x) }, 'mul', m);
  }

  /** Global average pool keeping a [1, 1, c] map, so SE and OFA's feature-mix 1×1 conv can follow. */
  globalAvgPool(x: string): string {
    const node = { op: 'global-avg-pool', input: x, shape: [1, 1, this.channels(x)] } as const;
    return this.push(node, 'gap', this.moment(x));
  }

  flatten(x: string): string {
    const size = this.shape(x).reduce((a, b) => a * b, 1);
    return this.push({ op: 'flatten', input: x, shape: [size] }, 'flatten', this.moment(x));
  }

  linear(x: string, out: number, bias = true): string {
    const inF = this.channels(x);
    // Classifier init std 1/√in (LeCun): logits stay O(1), which keeps absolute parity diffs meaningful.
    const std = 1 / Math.sqrt(inF);
    const weight = this.init.tensor([out, inF], () => this.init.normal() * std);
    const b = bias ? this.init.bias(out) : null;
    const m = this.moment(x) + (b ? meanSquare(b.data) : 0);
    return this.push({ op: 'linear', input: x, shape: [out], weight, bias: b }, 'linear', m);
  }

  /** SE (OFA): pool → 1×1 conv(bias) → ReLU → 1×1 conv(bias) → h_sigmoid → rescale the input. */
  squeezeExcite(x: string, hidden: number): string {
    const c = this.channels(x);
    let s = this.globalAvgPool(x);
    s = this.unary('relu', this.conv(s, { cout: hidden, kernel: 1, bias: true }));
    s = this.unary('h-sigmoid', this.conv(s, { cout: c, kernel: 1, bias: true }));
    return this.mul(x, s);
  }

  finish(meta: Omit<NnGraph, 'nodes' | 'input' | 'output' | 'inputShape'>, output: string): NnGraph {
    const input = this.nodes[0];
    if (input?.op !== 'input') throw new Error('the first IR node must be the input');
    return {
      ...meta,
      inputShape: input.shape as [number, number, number],
      nodes: this.nodes,
      input: input.id,
      output,
    };
  }
}
