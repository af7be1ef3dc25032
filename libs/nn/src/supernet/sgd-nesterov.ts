import * as tf from '@tensorflow/tfjs';

/**
 * PyTorch's SGD with Nesterov momentum and coupled weight decay (OFA's optimizer):
 * d = g + λw;  b ← μb + d;  w ← w − lr·(d + μb). Written out (instead of tf.train.momentum) so its
 * buffers have stable names for checkpoints and can be reset between phases.
 */
export class SgdNesterov {
  readonly buffers = new Map<string, tf.Variable>();

  constructor(
    private readonly variables: ReadonlyMap<string, tf.Variable>,
    private readonly momentum: number,
    private readonly weightDecay: number,
    /** Which variables get weight decay (OFA: none on BN parameters and biases). */
    private readonly decays: (name: string) => boolean,
  ) {
    for (const [name, v] of variables) {
      const zeros = tf.zerosLike(v);
      this.buffers.set(name, tf.variable(zeros, false));
      zeros.dispose();
    }
  }

  /** Applies summed gradients keyed by logical name; variables without a gradient keep still. */
  step(grads: ReadonlyMap<string, tf.Tensor>, learningRate: number): void {
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const w = this.variables.get(name)!;
        const b = this.buffers.get(name)!;
        const d = this.decays(name) && this.weightDecay > 0 ? tf.add(g, tf.mul(this.weightDecay, w)) : g;
        const nb = tf.add(tf.mul(this.momentum, b), d);
        b.assign(nb);
        w.assign(tf.sub(w, tf.mul(learningRate, tf.add(d, tf.mul(this.momentum, nb)))));
      }
    });
  }

  reset(): void {
    tf.tidy(() => this.buffers.forEach((b) => b.assign(tf.zerosLike(b))));
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
  }
}

/** OFA's no_decay_keys ('bn#bias'): BN γ/β and every bias are left undecayed. */
export const decaysWeight = (name: string): boolean => !/\.(gamma|beta|bias)$|_bias$/.test(name);
