import * as tf from '@tensorflow/tfjs';
import type { ElasticSpace, LayerDesc, MbConvLayerDesc } from '@tailor/search-spaces';
import { type BnMode, activate, batchNorm, elasticKernel, hSigmoid, sliceFilter } from './elastic-ops';
import { type SlotParams, type SupernetParams, createSupernetParams } from './supernet-params';

let instances = 0;

/**
 * OFA's elastic network for one elastic space: the largest network's weights, from which every subnet
 * of the space is run by slicing (elastic width/expand keep the first channels, elastic depth the first
 * blocks of a stage, elastic kernel the transformed centre crop). `forward` is differentiable, so the
 * same object is trained (progressive shrinking) and evaluated.
 */
export class ElasticSupernet<A> {
  readonly slotsPerStage: number;

  private constructor(
    readonly space: ElasticSpace<A>,
    readonly params: SupernetParams,
  ) {
    this.slotsPerStage = Math.max(...space.spec.depths);
  }

  /** `trainable: false` for a frozen copy (the distillation teacher), which optimizers must not see. */
  static create<A>(space: ElasticSpace<A>, seed: number, trainable = true): ElasticSupernet<A> {
    return new ElasticSupernet(
      space,
      createSupernetParams(space.spec, seed, `supernet${instances++}`, trainable),
    );
  }

  /** Copies every weight of `other` (same space) into this supernet. */
  copyFrom(other: ElasticSupernet<A>): void {
    for (const [name, v] of this.params.byName) v.assign(other.params.byName.get(name)!);
  }

  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.params.byName;
  }

  /** Trainable variables only (all of them: BN running statistics are not kept, see calibration). */
  trainableList(): tf.Variable[] {
    return [...this.params.byName.values()];
  }

  slot(desc: MbConvLayerDesc): SlotParams {
    if (desc.stage === undefined || desc.block === undefined) throw new Error(`${desc.name} is not elastic`);
    return this.params.slots[desc.stage * this.slotsPerStage + desc.block];
  }

  /** Logits [batch, classes] of subnet `arch` for NHWC input `x`. */
  forward(x: tf.Tensor4D, arch: A, bn: BnMode): tf.Tensor2D {
    return this.forwardLayers(x, this.space.describeLayers(arch), bn);
  }

  forwardLayers(x: tf.Tensor4D, layers: readonly LayerDesc[], bn: BnMode): tf.Tensor2D {
    return tf.tidy(() => {
      const { stem, finalExpand } = this.params;
      let h = x;
      for (const layer of layers) {
        if (layer.type === 'mbconv') {
          h = this.block(h, layer, bn);
        } else if (layer.type === 'conv') {
          const isStem = layer.name === 'stem';
          const p = isStem ? stem : finalExpand;
          const w = sliceFilter(p.conv, layer.inChannels, layer.outChannels);
          const y = tf.conv2d(h, w, layer.stride, Math.floor(layer.kernel / 2));
          h = activate(batchNorm(y, p.bn, isStem ? 'stem.bn' : 'final_expand.bn', bn), layer.activation);
        } else if (layer.type === 'global-avg-pool') {
          h = tf.mean(h, [1, 2], true) as tf.Tensor4D;
        } else {
          const features = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
          const w = tf.slice(this.params.classifier, [0, 0], [layer.inFeatures, layer.outFeatures]);
          return tf.add(tf.matMul(features, w), this.params.classifierBias) as tf.Tensor2D;
        }
      }
      throw new Error('the layer list has no classifier');
    });
  }

  private block(x: tf.Tensor4D, d: MbConvLayerDesc, bn: BnMode): tf.Tensor4D {
    const s = this.slot(d);
    const name = `stage${s.stage + 1}.block${s.block + 1}`;
    const mid = d.midChannels;
    let y = tf.conv2d(x, sliceFilter(s.expand, d.inChannels, mid), 1, 0);
    y = activate(batchNorm(y, s.expandBn, `${name}.expand.bn`, bn), d.activation);
    y = tf.depthwiseConv2d(y, elasticKernel(s, d.kernel, mid), d.stride, Math.floor(d.kernel / 2));
    y = activate(batchNorm(y, s.depthwiseBn, `${name}.dw.bn`, bn), d.activation);
    if (s.se) {
      const pooled = tf.mean(y, [1, 2], true) as tf.Tensor4D;
      let z = tf.conv2d(pooled, sliceFilter(s.se.reduce, mid, d.seChannels), 1, 0);
      z = tf.relu(tf.add(z, s.se.reduceBias.slice(0, d.seChannels)));
      z = tf.conv2d(z, sliceFilter(s.se.expand, d.seChannels, mid), 1, 0);
      y = tf.mul(y, hSigmoid(tf.add(z, s.se.expandBias.slice(0, mid))));
    }
    y = tf.conv2d(y, sliceFilter(s.project, mid, d.outChannels), 1, 0);
    y = batchNorm(y, s.projectBn, `${name}.project.bn`, bn);
    return d.residual ? tf.add(y, x) : y;
  }

  dispose(): void {
    for (const v of this.params.byName.values()) v.dispose();
  }
}
