import { tf } from './tf-backend';
import { Rng } from '@tailor/common';

/**
 * The meta-learned latency model: a shared network maps (arch features, hardware embedding) to a basis
 * z ∈ R^h; a device's latency is a linear head on that basis. The head starts at a prior computed from
 * the hardware embedding and is adapted on the device's support set (reference archs + k measured archs)
 * by `innerSteps` steps of gradient descent with a learned learning rate per head parameter (Meta-SGD,
 * Li et al. 2017). The inner-loop gradient of the squared loss is written out in tensor ops, so the
 * outer (meta) gradient flows through the adaptation exactly: this is second-order Meta-SGD without
 * needing tfjs to differentiate a gradient.
 */
export interface MetaModelConfig {
  featureDim: number;
  embeddingDim: number;
  hidden: number[];
  basisDim: number;
  innerSteps: number;
  /** Initial α of every head parameter, in (0, 1): the share of the curvature-bounded step. */
  initialInnerLr: number;
  /** Adds a linear map of the arch features to the basis: latency is close to additive over layers. */
  linearSkip: boolean;
}

export const DEFAULT_MODEL_CONFIG: Omit<MetaModelConfig, 'featureDim' | 'embeddingDim'> = {
  hidden: [128, 128],
  basisDim: 32,
  innerSteps: 10,
  initialInnerLr: 0.5,
  linearSkip: true,
};

export type WeightMap = Record<string, { shape: number[]; data: Float32Array }>;

export class MetaSgdModel {
  readonly vars: Map<string, tf.Variable>;

  private constructor(
    readonly config: MetaModelConfig,
    vars: Map<string, tf.Variable>,
  ) {
    this.vars = vars;
  }

  static init(config: MetaModelConfig, rng: Rng): MetaSgdModel {
    const vars = new Map<string, tf.Variable>();
    const dense = (name: string, fanIn: number, fanOut: number, gain = Math.sqrt(2)): void => {
      const std = gain / Math.sqrt(fanIn);
      const w = Float32Array.from({ length: fanIn * fanOut }, () => gaussian(rng) * std);
      vars.set(`${name}.w`, tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true));
      vars.set(`${name}.b`, tf.variable(tf.zeros([fanOut]), true));
    };
    let width = config.featureDim + config.embeddingDim;
    config.hidden.forEach((h, i) => {
      dense(`hidden${i}`, width, h);
      width = h;
    });
    dense('basis', width, config.basisDim, 1);
    if (config.linearSkip) dense('skip', config.featureDim, config.basisDim, 0.5);
    // Prior head from the embedding; small so that early on the support set decides.
    dense('prior', config.embeddingDim, config.basisDim + 1, 0.1);
    const a = Math.log(config.initialInnerLr / (1 - config.initialInnerLr)); // sigmoid⁻¹
    vars.set('innerLr', tf.variable(tf.fill([config.basisDim + 1], a), true));
    return new MetaSgdModel(config, vars);
  }

  static fromWeights(config: MetaModelConfig, weights: WeightMap): MetaSgdModel {
    const vars = new Map<string, tf.Variable>();
    for (const [name, { shape, data }] of Object.entries(weights))
      vars.set(name, tf.variable(tf.tensor(data, shape), true)); // unnamed: tfjs names are process-global
    return new MetaSgdModel(config, vars);
  }

  weights(): WeightMap {
    const out: WeightMap = {};
    for (const [name, v] of this.vars) out[name] = { shape: v.shape, data: v.dataSync() as Float32Array };
    return out;
  }

  assign(weights: WeightMap): void {
    for (const [name, v] of this.vars) v.assign(tf.tensor(weights[name].data, weights[name].shape));
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
  }

  /** x [B, n, F], e [B, E] → basis z [B, n, h]. */
  basis(x: tf.Tensor3D, e: tf.Tensor2D): tf.Tensor3D {
    const [b, n] = x.shape;
    const tiled = tf.tile(tf.expandDims(e, 1), [1, n, 1]);
    const flat: tf.Tensor2D = tf.reshape(x, [b * n, -1]);
    let h: tf.Tensor2D = tf.reshape(tf.concat([x, tiled], 2), [b * n, -1]);
    for (let i = 0; i < this.config.hidden.length; i++) h = tf.relu(this.dense(`hidden${i}`, h));
    const z = this.config.linearSkip
      ? tf.add(this.dense('basis', h), this.dense('skip', flat))
      : this.dense('basis', h);
    return tf.reshape(z, [b, n, this.config.basisDim]);
  }

  /**
   * The adapted head [B, h + 1] (last column: bias) after the inner loop on the support set. Each step
   * is Meta-SGD's θ ← θ − α ⊙ ∇L with a learned α per head parameter, α = sigmoid(a) / tr(2/n·ZᵀZ): the
   * trace bounds the loss's curvature, so the loop cannot diverge whatever the scale the basis takes
   * during meta-training (a fixed learning rate did, for wider bases).
   */
  adaptHead(zs: tf.Tensor3D, ys: tf.Tensor2D, e: tf.Tensor2D): tf.Tensor2D {
    const n = zs.shape[1];
    const ones = tf.ones([zs.shape[0], n, 1]);
    const zb = tf.concat([zs, ones], 2); // [B, n, h+1]: the bias as a constant feature
    const curvature = tf.mul(tf.sum(tf.square(zb), [1, 2]), 2 / n); // [B]
    const lr = tf.div(
      tf.expandDims(tf.sigmoid(this.v('innerLr')), 0),
      tf.expandDims(tf.add(curvature, 1e-6), 1),
    );
    let head = this.dense('prior', e);
    for (let step = 0; step < this.config.innerSteps; step++) {
      const residual = tf.sub(this.applyHeadAugmented(zb, head), ys); // [B, n]
      const grad = tf.mul(tf.sum(tf.mul(tf.expandDims(residual, 2), zb), 1), 2 / n); // [B, h+1]
      head = tf.sub(head, tf.mul(lr, grad));
    }
    return head;
  }

  /** z [B, n, h], head [B, h + 1] → predictions [B, n]. */
  applyHead(z: tf.Tensor3D, head: tf.Tensor2D): tf.Tensor2D {
    const zb = tf.concat([z, tf.ones([z.shape[0], z.shape[1], 1])], 2);
    return this.applyHeadAugmented(zb, head);
  }

  private applyHeadAugmented(zb: tf.Tensor, head: tf.Tensor2D): tf.Tensor2D {
    return tf.sum(tf.mul(zb, tf.expandDims(head, 1)), 2) as tf.Tensor2D;
  }

  private dense(name: string, x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.v(`${name}.w`)), this.v(`${name}.b`));
  }

  private v(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`model has no variable ${name}`);
    return v;
  }
}

/** Box–Muller on the seeded stream (weight init must be reproducible from the seed). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
