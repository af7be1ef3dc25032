import * as tf from '@tensorflow/tfjs';
import type {
  ConvLayerDesc,
  ElasticArch,
  ElasticNetSpec,
  ElasticSpace,
  MbConvLayerDesc,
} from '@tailor/search-spaces';
import { describeElasticLayers, maxDepth } from '@tailor/search-spaces';

/** γ/β of one BN over the largest channel count; a subnet uses the first channels. */
export interface BnParams {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
}

/** One block slot (stage s, block b) at its largest size; every subnet block is a slice of it. */
export interface SlotParams {
  readonly stage: number;
  readonly block: number;
  readonly inMax: number;
  readonly midMax: number;
  readonly outMax: number;
  readonly seMax: number;
  /** [1, 1, inMax, midMax] */
  readonly expand: tf.Variable;
  readonly expandBn: BnParams;
  /** [kMax, kMax, midMax, 1], the largest depthwise kernel. */
  readonly depthwise: tf.Variable;
  /** OFA's elastic kernel: `${from}to${to}` → [to², to²] matrix applied to the centre crop. */
  readonly kernelTransforms: ReadonlyMap<string, tf.Variable>;
  readonly depthwiseBn: BnParams;
  readonly se: {
    readonly reduce: tf.Variable;
    readonly reduceBias: tf.Variable;
    readonly expand: tf.Variable;
    readonly expandBias: tf.Variable;
  } | null;
  /** [1, 1, midMax, outMax] */
  readonly project: tf.Variable;
  readonly projectBn: BnParams;
}

export interface SupernetParams {
  readonly stem: { readonly conv: tf.Variable; readonly bn: BnParams; readonly desc: ConvLayerDesc };
  /** Stage-major, `maxDepth` slots per stage. */
  readonly slots: readonly SlotParams[];
  readonly finalExpand: { readonly conv: tf.Variable; readonly bn: BnParams };
  /** [features, classes] */
  readonly classifier: tf.Variable;
  readonly classifierBias: tf.Variable;
  /** Every variable by its logical name (checkpoint keys; unique within one supernet). */
  readonly byName: ReadonlyMap<string, tf.Variable>;
}

/** The genes with every choice at `pick` of its options (Math.max: the largest subnet, Math.min: the smallest). */
function extremeGenes(spec: ElasticNetSpec, pick: (...v: number[]) => number): ElasticArch {
  const slots = spec.stages.length * maxDepth(spec);
  return {
    ks: Array(slots).fill(pick(...spec.kernels)),
    e: Array(slots).fill(pick(...spec.expandRatios)),
    d: Array(spec.stages.length).fill(pick(...spec.depths)),
    r: pick(...spec.resolutions),
    w: pick(...spec.widths),
  };
}

export const largestGenes = (spec: ElasticNetSpec): ElasticArch => extremeGenes(spec, Math.max);
export const smallestGenes = (spec: ElasticNetSpec): ElasticArch => extremeGenes(spec, Math.min);

/**
 * Seeded initialisation (He-normal fan-in for convs, like the IR builder; BN γ = 1, β = 0; kernel
 * transforms = identity, as in OFA). `prefix` keeps tfjs's global variable names apart when two supernets live in one process (student
 * and teacher); logical names (`byName`) do not carry it.
 */
export function createSupernetParams(
  spec: ElasticNetSpec,
  seed: number,
  prefix: string,
  trainable = true,
): SupernetParams {
  const byName = new Map<string, tf.Variable>();
  let counter = seed;
  const variable = (name: string, init: tf.Tensor): tf.Variable => {
    const v = tf.variable(init, trainable, `${prefix}/${name}`);
    init.dispose();
    byName.set(name, v);
    return v;
  };
  const he = (name: string, shape: number[], fanIn: number): tf.Variable =>
    variable(name, tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', counter++));
  const bn = (name: string, c: number): BnParams => ({
    gamma: variable(`${name}.gamma`, tf.ones([c])),
    beta: variable(`${name}.beta`, tf.zeros([c])),
  });

  const layers = describeElasticLayers(spec, largestGenes(spec));
  const stemDesc = layers[0];
  if (stemDesc.type !== 'conv') throw new Error('an elastic network starts with its stem conv');
  if (spec.firstBlock) throw new Error('supernets with a fixed first block (ofa-mbv3) are not supported yet');
  const k = stemDesc.kernel;
  const stem = {
    conv: he('stem.conv', [k, k, spec.inputChannels, stemDesc.outChannels], k * k * spec.inputChannels),
    bn: bn('stem.bn', stemDesc.outChannels),
    desc: stemDesc,
  };

  const kernels = [...spec.kernels].sort((a, b) => b - a);
  const kMax = kernels[0];
  const slots: SlotParams[] = [];
  for (const desc of layers) {
    if (desc.type !== 'mbconv' || desc.stage === undefined || desc.block === undefined) continue;
    slots.push(createSlot(desc, kernels, kMax, { he, bn, variable }));
  }

  const finalDesc = layers.find((l) => l.name === 'final_expand') as ConvLayerDesc;
  const linear = layers[layers.length - 1];
  if (linear.type !== 'linear') throw new Error('an elastic network ends with its classifier');
  return {
    stem,
    slots,
    finalExpand: {
      conv: he(
        'final_expand.conv',
        [1, 1, finalDesc.inChannels, finalDesc.outChannels],
        finalDesc.inChannels,
      ),
      bn: bn('final_expand.bn', finalDesc.outChannels),
    },
    classifier: variable(
      'classifier.weight',
      tf.randomNormal(
        [linear.inFeatures, linear.outFeatures],
        0,
        1 / Math.sqrt(linear.inFeatures),
        'float32',
        counter++,
      ),
    ),
    classifierBias: variable('classifier.bias', tf.zeros([linear.outFeatures])),
    byName,
  };
}

type Makers = {
  he: (name: string, shape: number[], fanIn: number) => tf.Variable;
  bn: (name: string, c: number) => BnParams;
  variable: (name: string, init: tf.Tensor) => tf.Variable;
};

function createSlot(desc: MbConvLayerDesc, kernels: number[], kMax: number, m: Makers): SlotParams {
  const p = `stage${desc.stage! + 1}.block${desc.block! + 1}`;
  const { inChannels: inMax, midChannels: midMax, outChannels: outMax, seChannels: seMax } = desc;
  const transforms = new Map<string, tf.Variable>();
  for (let i = 0; i + 1 < kernels.length; i++) {
    const [from, to] = [kernels[i], kernels[i + 1]];
    transforms.set(`${from}to${to}`, m.variable(`${p}.dw.${from}to${to}`, tf.eye(to * to)));
  }
  return {
    stage: desc.stage!,
    block: desc.block!,
    inMax,
    midMax,
    outMax,
    seMax,
    expand: m.he(`${p}.expand.conv`, [1, 1, inMax, midMax], inMax),
    expandBn: m.bn(`${p}.expand.bn`, midMax),
    depthwise: m.he(`${p}.dw.conv`, [kMax, kMax, midMax, 1], kMax * kMax),
    kernelTransforms: transforms,
    depthwiseBn: m.bn(`${p}.dw.bn`, midMax),
    se: desc.se
      ? {
          reduce: m.he(`${p}.se.reduce`, [1, 1, midMax, seMax], midMax),
          reduceBias: m.variable(`${p}.se.reduce_bias`, tf.zeros([seMax])),
          expand: m.he(`${p}.se.expand`, [1, 1, seMax, midMax], seMax),
          expandBias: m.variable(`${p}.se.expand_bias`, tf.zeros([midMax])),
        }
      : null,
    project: m.he(`${p}.project.conv`, [1, 1, midMax, outMax], midMax),
    projectBn: m.bn(`${p}.project.bn`, outMax),
  };
}

/** Genes → the space's own arch (a space with one resolution has no `r` field). */
export function archFromGenes<A>(space: ElasticSpace<A>, g: ElasticArch): A {
  const { r, ...rest } = g;
  return space.parse(space.spec.resolutions.length > 1 ? { ...rest, r } : rest);
}
