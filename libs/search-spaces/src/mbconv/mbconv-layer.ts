/**
 * Concrete layer list of one MobileNetV3-style network (a subnet of an elastic supernet with every
 * choice fixed). Later issues build real tfjs/ONNX networks and the elastic supernet from it, and the
 * analytic FLOPs/params of both MBConv spaces are computed from it (mbconv-cost.ts).
 *
 * Conventions follow OFA (mit-han-lab/once-for-all, ofa/utils/layers.py): square feature maps,
 * "same" padding (k // 2), convolutions without bias unless stated, BN after every conv that has
 * `batchNorm`, the MBConv block = [1×1 expand + BN + act] (absent when expand ratio is 1) →
 * k×k depthwise + BN + act → [SE] → 1×1 project + BN (no activation).
 */
export type Activation = 'relu' | 'h_swish' | 'none';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'h_swish', 'none'];

/** A plain (grouped) convolution; the stem, the final 1×1 expand and the feature-mix layer. */
export interface ConvLayerDesc {
  readonly type: 'conv';
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly groups: number;
  readonly bias: boolean;
  readonly batchNorm: boolean;
  readonly activation: Activation;
  /** Height = width of the input feature map. */
  readonly inputSize: number;
  readonly outputSize: number;
}

/** Inverted-residual block (MobileNetV2/V3 "MBConv"). */
export interface MbConvLayerDesc {
  readonly type: 'mbconv';
  readonly name: string;
  /** Elastic stage (0-based) and block slot within it; absent for fixed blocks such as OFA's first block. */
  readonly stage?: number;
  readonly block?: number;
  readonly inChannels: number;
  /** Channels after the 1×1 expansion (= inChannels when expandRatio is 1, i.e. no expansion conv). */
  readonly midChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly expandRatio: number;
  readonly se: boolean;
  /** Hidden width of the SE bottleneck (0 without SE); SE uses ReLU then h_sigmoid, as in OFA. */
  readonly seChannels: number;
  readonly activation: Activation;
  /** Identity shortcut: stride 1 and inChannels == outChannels. */
  readonly residual: boolean;
  readonly inputSize: number;
  readonly outputSize: number;
}

export interface GlobalPoolLayerDesc {
  readonly type: 'global-avg-pool';
  readonly name: string;
  readonly channels: number;
  readonly inputSize: number;
  readonly outputSize: 1;
}

export interface LinearLayerDesc {
  readonly type: 'linear';
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;
}

export type LayerDesc = ConvLayerDesc | MbConvLayerDesc | GlobalPoolLayerDesc | LinearLayerDesc;

/**
 * OFA's `make_divisible` (taken from the TF MobileNet repo): round to the nearest multiple of
 * `divisor`, at least `divisor`, and never more than 10% below `v`.
 */
export function makeDivisible(v: number, divisor: number, minValue = divisor): number {
  let out = Math.max(minValue, Math.floor(Math.floor(v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

/** Python 3 `round()` (half to even), which OFA uses for `in_channels * expand_ratio`. */
export function pythonRound(v: number): number {
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Output size of a "same"-padded (k // 2) convolution: floor((n + 2·(k//2) − k) / s) + 1 = ceil(n / s) for odd k. */
export function convOutputSize(inputSize: number, kernel: number, stride: number): number {
  const pad = Math.floor(kernel / 2);
  return Math.floor((inputSize + 2 * pad - kernel) / stride) + 1;
}

/** Builds an MBConv description with OFA's channel rules (mid = make_divisible(round(in·e)), SE mid = make_divisible(mid // r)). */
export function mbConvLayer(opts: {
  readonly name: string;
  readonly stage?: number;
  readonly block?: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly expandRatio: number;
  readonly se: boolean;
  readonly activation: Activation;
  readonly inputSize: number;
  readonly divisor: number;
  readonly seReduction: number;
}): MbConvLayerDesc {
  // OFA's static MBConvLayer uses round(in·e) for e == 1 (no expansion conv); the dynamic layer rounds
  // to the divisor, and every elastic block in OFA is a dynamic one.
  const midChannels =
    opts.expandRatio === 1
      ? opts.inChannels
      : makeDivisible(pythonRound(opts.inChannels * opts.expandRatio), opts.divisor);
  const seChannels = opts.se ? makeDivisible(Math.floor(midChannels / opts.seReduction), opts.divisor) : 0;
  return {
    type: 'mbconv',
    name: opts.name,
    ...(opts.stage !== undefined ? { stage: opts.stage, block: opts.block } : {}),
    inChannels: opts.inChannels,
    midChannels,
    outChannels: opts.outChannels,
    kernel: opts.kernel,
    stride: opts.stride,
    expandRatio: opts.expandRatio,
    se: opts.se,
    seChannels,
    activation: opts.activation,
    residual: opts.stride === 1 && opts.inChannels === opts.outChannels,
    inputSize: opts.inputSize,
    outputSize: convOutputSize(opts.inputSize, opts.kernel, opts.stride),
  };
}
