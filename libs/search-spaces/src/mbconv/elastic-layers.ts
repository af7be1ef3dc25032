import { type ElasticNetSpec, type WidthScaledPart, maxDepth } from './elastic-net';
import { type LayerDesc, convOutputSize, makeDivisible, mbConvLayer } from './mbconv-layer';

/**
 * Genes of one subnet of an elastic network, OFA's `{ks, e, d, r}` plus the width multiplier `w`.
 * `ks` and `e` have one entry per block slot (stage-major, `maxDepth` slots per stage); only the first
 * `d[s]` slots of stage `s` are active, the rest are kept (so evolution can reuse them) but ignored.
 */
export interface ElasticArch {
  readonly ks: readonly number[];
  readonly e: readonly number[];
  readonly d: readonly number[];
  readonly r: number;
  readonly w: number;
}

/** Whether slot `i` (global index into `ks`/`e`) is within its stage's depth. */
export function isActiveSlot(spec: ElasticNetSpec, d: readonly number[], i: number): boolean {
  const slots = maxDepth(spec);
  return i % slots < d[Math.floor(i / slots)];
}

/** Channel count of a part at width `w` (OFA rounds even at width 1.0, which is a no-op for multiples of the divisor). */
export function scaledChannels(spec: ElasticNetSpec, part: WidthScaledPart, base: number, w: number): number {
  return spec.widthScales.includes(part) ? makeDivisible(base * w, spec.channelDivisor) : base;
}

/** The concrete layers of one subnet, in execution order (OFA's MobileNetV3 `get_active_subnet`). */
export function describeElasticLayers(spec: ElasticNetSpec, arch: ElasticArch): LayerDesc[] {
  const layers: LayerDesc[] = [];
  const { channelDivisor: divisor, seReduction } = spec;
  let size = arch.r;
  let channels = scaledChannels(spec, 'stem', spec.stem.channels, arch.w);
  const stemOut = convOutputSize(size, spec.stem.kernel, spec.stem.stride);
  layers.push({
    type: 'conv',
    name: 'stem',
    inChannels: spec.inputChannels,
    outChannels: channels,
    kernel: spec.stem.kernel,
    stride: spec.stem.stride,
    groups: 1,
    bias: false,
    batchNorm: true,
    activation: spec.stem.activation,
    inputSize: size,
    outputSize: stemOut,
  });
  size = stemOut;

  if (spec.firstBlock) {
    const fb = spec.firstBlock;
    const block = mbConvLayer({
      name: 'first_block',
      inChannels: channels,
      outChannels: scaledChannels(spec, 'firstBlock', fb.channels, arch.w),
      kernel: fb.kernel,
      stride: fb.stride,
      expandRatio: fb.expandRatio,
      se: fb.se,
      activation: fb.activation,
      inputSize: size,
      divisor,
      seReduction,
    });
    layers.push(block);
    channels = block.outChannels;
    size = block.outputSize;
  }

  const slots = maxDepth(spec);
  spec.stages.forEach((stage, s) => {
    const out = scaledChannels(spec, 'stages', stage.channels, arch.w);
    for (let b = 0; b < arch.d[s]; b++) {
      const i = s * slots + b;
      const block = mbConvLayer({
        name: `stage${s + 1}.block${b + 1}`,
        stage: s,
        block: b,
        inChannels: channels,
        outChannels: out,
        kernel: arch.ks[i],
        stride: b === 0 ? stage.stride : 1,
        expandRatio: arch.e[i],
        se: stage.se,
        activation: stage.activation,
        inputSize: size,
        divisor,
        seReduction,
      });
      layers.push(block);
      channels = out;
      size = block.outputSize;
    }
  });

  const finalExpand = scaledChannels(spec, 'head', spec.head.finalExpand, arch.w);
  const conv1x1 = (name: string, cin: number, cout: number, at: number, batchNorm: boolean): LayerDesc => ({
    type: 'conv',
    name,
    inChannels: cin,
    outChannels: cout,
    kernel: 1,
    stride: 1,
    groups: 1,
    bias: false,
    batchNorm,
    activation: spec.head.activation,
    inputSize: at,
    outputSize: at,
  });
  layers.push(conv1x1('final_expand', channels, finalExpand, size, true));
  layers.push({
    type: 'global-avg-pool',
    name: 'pool',
    channels: finalExpand,
    inputSize: size,
    outputSize: 1,
  });
  let features = finalExpand;
  if (spec.head.featureMix !== null) {
    // OFA's feature-mix layer: 1×1 conv on the pooled map, no BN, no bias.
    const mix = scaledChannels(spec, 'head', spec.head.featureMix, arch.w);
    layers.push(conv1x1('feature_mix', features, mix, 1, false));
    features = mix;
  }
  layers.push({
    type: 'linear',
    name: 'classifier',
    inFeatures: features,
    outFeatures: spec.numClasses,
    bias: true,
  });
  return layers;
}

/**
 * Distinct networks: per stage Σ_d (|kernels|·|expands|)^d (inactive slots do not count), times the
 * resolutions and widths. Exact, as a bigint (OFA-MBv3 is ~10^19 per resolution and width).
 */
export function elasticCardinality(spec: ElasticNetSpec): bigint {
  const perBlock = BigInt(spec.kernels.length * spec.expandRatios.length);
  let perStage = 0n;
  for (const d of spec.depths) perStage += perBlock ** BigInt(d);
  return (
    perStage ** BigInt(spec.stages.length) * BigInt(spec.resolutions.length) * BigInt(spec.widths.length)
  );
}
