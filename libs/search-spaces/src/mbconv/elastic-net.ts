import type { DefinitionReader } from '../definition-reader';
import { ACTIVATIONS, type Activation } from './mbconv-layer';

/**
 * An elastic MobileNetV3-style supernet (OFA's design): a fixed stem (and optional fixed first block),
 * elastic stages of MBConv blocks whose depth, per-block kernel size and expand ratio are chosen per
 * subnet, a fixed head, an elastic input resolution and a width multiplier. Both `ofa-mbv3` and
 * `fmnist-mbv3` are instances, read from their JSON definitions.
 */
export type WidthScaledPart = 'stem' | 'firstBlock' | 'stages' | 'head';
const WIDTH_PARTS: readonly WidthScaledPart[] = ['stem', 'firstBlock', 'stages', 'head'];

export interface StemSpec {
  readonly channels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly activation: Activation;
}

export interface FixedBlockSpec {
  readonly channels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly expandRatio: number;
  readonly se: boolean;
  readonly activation: Activation;
}

export interface StageSpec {
  /** Output channels at width 1.0. */
  readonly channels: number;
  /** Stride of the stage's first block; the others have stride 1. */
  readonly stride: number;
  readonly se: boolean;
  readonly activation: Activation;
}

export interface HeadSpec {
  /** 1×1 conv + BN + act before pooling. */
  readonly finalExpand: number;
  /** Optional 1×1 conv (no BN, no bias) after pooling; null when the classifier follows the pool directly. */
  readonly featureMix: number | null;
  readonly activation: Activation;
}

export interface ElasticNetSpec {
  readonly inputChannels: number;
  readonly numClasses: number;
  /** Channel counts are rounded with make_divisible(·, channelDivisor), OFA's CHANNEL_DIVISIBLE. */
  readonly channelDivisor: number;
  readonly seReduction: number;
  readonly stem: StemSpec;
  readonly firstBlock: FixedBlockSpec | null;
  readonly stages: readonly StageSpec[];
  readonly kernels: readonly number[];
  readonly expandRatios: readonly number[];
  readonly depths: readonly number[];
  /** Input resolutions, ascending; one entry when the resolution is fixed. */
  readonly resolutions: readonly number[];
  readonly widths: readonly number[];
  readonly defaultWidth: number;
  readonly widthScales: readonly WidthScaledPart[];
  readonly head: HeadSpec;
  /** Append a one-hot of the width multiplier to the encoding (OFA's HELP encoding has none). */
  readonly encodeWidth: boolean;
}

/** Slots per stage: the largest depth. Arrays `ks` and `e` have `stages · maxDepth` entries. */
export const maxDepth = (spec: ElasticNetSpec): number => Math.max(...spec.depths);
export const layerSlots = (spec: ElasticNetSpec): number => spec.stages.length * maxDepth(spec);

function uniqueSorted(reader: DefinitionReader, path: string, values: number[]): number[] {
  values.forEach((v, i) => {
    if (values.indexOf(v) !== i) reader.fail(`${path}[${i}]`, 'must be unique', v);
    if (i > 0 && v < values[i - 1]) reader.fail(`${path}[${i}]`, 'must be ascending', v);
  });
  return values;
}

const activation = (reader: DefinitionReader, path: string): Activation =>
  reader.string(path, ACTIVATIONS) as Activation;

const oddKernel = (reader: DefinitionReader, path: string): number => {
  const k = reader.number(path, { integer: true, min: 1, max: 11 });
  if (k % 2 === 0) reader.fail(path, 'must be odd', k);
  return k;
};

/** Reads and validates the elastic-network part of a definition (errors name file, path and value). */
export function readElasticNetSpec(reader: DefinitionReader): ElasticNetSpec {
  const int = (path: string, min = 1, max?: number): number =>
    reader.number(path, { integer: true, min, max });
  const stride = (path: string): number => int(path, 1, 2);

  const stem: StemSpec = {
    channels: int('stem.channels'),
    kernel: oddKernel(reader, 'stem.kernel'),
    stride: stride('stem.stride'),
    activation: activation(reader, 'stem.activation'),
  };
  const firstBlock: FixedBlockSpec | null =
    reader.at('firstBlock') === null || reader.at('firstBlock') === undefined
      ? null
      : {
          channels: int('firstBlock.channels'),
          kernel: oddKernel(reader, 'firstBlock.kernel'),
          stride: stride('firstBlock.stride'),
          expandRatio: reader.number('firstBlock.expandRatio', { min: 1, max: 16 }),
          se: reader.boolean('firstBlock.se'),
          activation: activation(reader, 'firstBlock.activation'),
        };
  const stages: StageSpec[] = reader.array('stages', { minLength: 1 }).map((_, i) => ({
    channels: int(`stages[${i}].channels`),
    stride: stride(`stages[${i}].stride`),
    se: reader.boolean(`stages[${i}].se`),
    activation: activation(reader, `stages[${i}].activation`),
  }));

  const kernels = uniqueSorted(
    reader,
    'choices.kernel',
    reader.numbers('choices.kernel', { integer: true, min: 1 }),
  );
  kernels.forEach((_, i) => oddKernel(reader, `choices.kernel[${i}]`));
  const expandRatios = uniqueSorted(
    reader,
    'choices.expandRatio',
    reader.numbers('choices.expandRatio', { min: 1, max: 16 }),
  );
  const depths = uniqueSorted(
    reader,
    'choices.depth',
    reader.numbers('choices.depth', { integer: true, min: 1, max: 8 }),
  );

  const rMin = int('resolution.min', 8, 1024);
  const rMax = int('resolution.max', rMin, 1024);
  const rStep = int('resolution.step', 1);
  if ((rMax - rMin) % rStep !== 0)
    reader.fail('resolution.max', `must be min + a multiple of step ${rStep}`, rMax);
  const resolutions = Array.from({ length: (rMax - rMin) / rStep + 1 }, (_, i) => rMin + i * rStep);

  const widths = uniqueSorted(reader, 'width.choices', reader.numbers('width.choices', { min: 0.1, max: 4 }));
  const defaultWidth = reader.number('width.default');
  if (!widths.includes(defaultWidth))
    reader.fail('width.default', `must be one of ${widths.join(', ')}`, defaultWidth);
  const widthScales = reader.strings('width.scales', { unique: true }).map((s, i) => {
    if (!WIDTH_PARTS.includes(s as WidthScaledPart))
      reader.fail(`width.scales[${i}]`, `must be one of ${WIDTH_PARTS.join(', ')}`, s);
    return s as WidthScaledPart;
  });

  const featureMix = reader.at('head.featureMix');
  return {
    inputChannels: int('inputChannels'),
    numClasses: int('numClasses', 2),
    channelDivisor: int('channelDivisor'),
    seReduction: int('seReduction'),
    stem,
    firstBlock,
    stages,
    kernels,
    expandRatios,
    depths,
    resolutions,
    widths,
    defaultWidth,
    widthScales,
    head: {
      finalExpand: int('head.finalExpand'),
      featureMix: featureMix === null || featureMix === undefined ? null : int('head.featureMix'),
      activation: activation(reader, 'head.activation'),
    },
    encodeWidth: reader.boolean('encoding.width'),
  };
}
