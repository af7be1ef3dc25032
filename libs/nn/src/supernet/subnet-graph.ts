import * as tf from '@tensorflow/tfjs';
import { buildNetwork } from '../build-network';
import type { BatchNormNode, ConvNode, LinearNode, NnGraph, NnNode, Weight } from '../ir';
import { BN_EPSILON, type BnStats, elasticKernel, sliceFilter } from './elastic-ops';
import type { ElasticSupernet } from './elastic-supernet';
import type { BnParams } from './supernet-params';

type Filled =
  | { readonly op: 'conv'; readonly weight: Weight; readonly bias: Weight | null }
  | {
      readonly op: 'batch-norm';
      readonly gamma: Weight;
      readonly beta: Weight;
      readonly mean: Weight;
      readonly variance: Weight;
    }
  | { readonly op: 'linear'; readonly weight: Weight; readonly bias: Weight };

const weightOf = (t: tf.Tensor): Weight => ({ shape: [...t.shape], data: Float32Array.from(t.dataSync()) });

/** tfjs HWIO [k, k, cin, cout] → IR OIHW [cout, cin, k, k]; depthwise [k, k, c, 1] → [c, 1, k, k]. */
const oihw = (w: tf.Tensor4D): Weight => weightOf(tf.transpose(w, [3, 2, 0, 1]));
const depthwiseOihw = (w: tf.Tensor4D): Weight => weightOf(tf.transpose(w, [2, 3, 0, 1]));
const vector = (v: tf.Tensor, n: number): Weight => weightOf(tf.slice(v, 0, n));

function bnWeights(p: BnParams, name: string, channels: number, stats: BnStats): Filled {
  const stat = stats.get(name);
  if (!stat || stat.mean.length !== channels)
    throw new RangeError(`no recalibrated BN statistics for ${name}`);
  return {
    op: 'batch-norm',
    gamma: vector(p.gamma, channels),
    beta: vector(p.beta, channels),
    mean: { shape: [channels], data: Float32Array.from(stat.mean) },
    variance: { shape: [channels], data: Float32Array.from(stat.variance) },
  };
}

/** The subnet's weights in the order the IR's MBConv builder creates its weighted nodes. */
function subnetWeights<A>(net: ElasticSupernet<A>, arch: A, stats: BnStats): Filled[] {
  const out: Filled[] = [];
  const conv = (w: tf.Tensor4D, bias: Weight | null = null): void =>
    void out.push({ op: 'conv', weight: oihw(w), bias });
  const { stem, finalExpand, classifier, classifierBias } = net.params;
  tf.tidy(() => {
    for (const d of net.space.describeLayers(arch)) {
      if (d.type === 'conv') {
        const isStem = d.name === 'stem';
        const p = isStem ? stem : finalExpand;
        conv(sliceFilter(p.conv, d.inChannels, d.outChannels));
        out.push(bnWeights(p.bn, isStem ? 'stem.bn' : 'final_expand.bn', d.outChannels, stats));
      } else if (d.type === 'mbconv') {
        const s = net.slot(d);
        const name = `stage${s.stage + 1}.block${s.block + 1}`;
        const mid = d.midChannels;
        conv(sliceFilter(s.expand, d.inChannels, mid));
        out.push(bnWeights(s.expandBn, `${name}.expand.bn`, mid, stats));
        out.push({ op: 'conv', weight: depthwiseOihw(elasticKernel(s, d.kernel, mid)), bias: null });
        out.push(bnWeights(s.depthwiseBn, `${name}.dw.bn`, mid, stats));
        if (s.se) {
          conv(sliceFilter(s.se.reduce, mid, d.seChannels), vector(s.se.reduceBias, d.seChannels));
          conv(sliceFilter(s.se.expand, d.seChannels, mid), vector(s.se.expandBias, mid));
        }
        conv(sliceFilter(s.project, mid, d.outChannels));
        out.push(bnWeights(s.projectBn, `${name}.project.bn`, d.outChannels, stats));
      } else if (d.type === 'linear') {
        const w = tf.slice(classifier, [0, 0], [d.inFeatures, d.outFeatures]);
        out.push({
          op: 'linear',
          weight: weightOf(tf.transpose(w)),
          bias: vector(classifierBias, d.outFeatures),
        });
      }
    }
  });
  return out;
}

const sameShape = (a: Weight | null, b: Weight | null): boolean =>
  (a === null && b === null) || (a !== null && b !== null && a.shape.join() === b.shape.join());

/**
 * The subnet `arch` as an IR graph with the supernet's (inherited) weights and recalibrated BN
 * statistics: the structure comes from `buildNetwork` (the same builder every measured and exported
 * network uses), and each weighted node's weights are replaced in order, shape-checked one by one.
 */
export function extractSubnet<A>(net: ElasticSupernet<A>, arch: A, stats: BnStats): NnGraph {
  const skeleton = buildNetwork(net.space, arch, { seed: 0 });
  const weights = subnetWeights(net, arch, stats);
  let next = 0;
  const nodes = skeleton.nodes.map((node): NnNode => {
    if (node.op !== 'conv' && node.op !== 'batch-norm' && node.op !== 'linear') return node;
    const w = weights[next++];
    if (!w || w.op !== node.op) throw new Error(`subnet weights out of step at ${node.id}: got ${w?.op}`);
    if (w.op === 'batch-norm') {
      const bn = node as BatchNormNode;
      if (!sameShape(w.gamma, bn.gamma)) throw new Error(`BN shape mismatch at ${node.id}`);
      return { ...bn, gamma: w.gamma, beta: w.beta, mean: w.mean, variance: w.variance, epsilon: BN_EPSILON };
    }
    const n = node as ConvNode | LinearNode;
    if (!sameShape(w.weight, n.weight) || !sameShape(w.bias, n.bias)) {
      throw new Error(`weight shape mismatch at ${node.id}: [${w.weight.shape}] vs [${n.weight.shape}]`);
    }
    return { ...n, weight: w.weight, bias: w.bias } as NnNode;
  });
  if (next !== weights.length) throw new Error(`${weights.length - next} subnet weights left over`);
  return { ...skeleton, seed: 0, nodes };
}
