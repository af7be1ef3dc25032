import { Rng } from '@tailor/common';
import { DeviceScale, hardwareEmbedding } from './device-scale';
import { sampleWithoutReplacement } from './help-protocol';
import type { PreparedSource } from './episodes';
import type { MetaSgdModel } from './meta-sgd-model';
import { tf } from './tf-backend';

const ARCHS_PER_DEVICE = 128;

/**
 * Multi-device regression before meta-training: every source device gets a free linear head on the
 * shared basis, and basis + heads are fitted to all sources' archs at once. The heads are dropped
 * afterwards; only the basis (and its arch representation) carries over into meta-training.
 */
export async function pretrainBasis(
  model: MetaSgdModel,
  features: tf.Tensor,
  sources: readonly PreparedSource[],
  referenceIndex: readonly number[],
  opts: { pretrainSteps: number; outerLr: number },
  rng: Rng,
): Promise<void> {
  const scales = sources.map((s) =>
    DeviceScale.fromReferences(referenceIndex.map((i) => Math.exp(s.logMs[i]))),
  );
  const e = tf.tensor2d(
    sources.map((s) => hardwareEmbedding(referenceIndex.map((i) => Math.exp(s.logMs[i])))),
  );
  const heads = tf.variable(tf.zeros([sources.length, model.config.basisDim + 1]) as tf.Tensor2D);
  const basisVars = [...model.vars]
    .filter(([name]) => name.startsWith('hidden') || name.startsWith('basis') || name.startsWith('skip'))
    .map(([, v]) => v);
  const optimizer = tf.train.adam(opts.outerLr);
  try {
    for (let step = 0; step < opts.pretrainSteps; step++) {
      const idx = sources.map((s) =>
        sampleWithoutReplacement(s.candidates, Math.min(ARCHS_PER_DEVICE, s.candidates.length), rng),
      );
      const n = Math.min(...idx.map((r) => r.length));
      const rows = idx.map((r) => r.slice(0, n));
      const y = rows.map((r, k) => r.map((i) => scales[k].toTarget(Math.exp(sources[k].logMs[i]))));
      const cost = optimizer.minimize(
        () => {
          const x = tf.gather(features, tf.tensor2d(rows, undefined, 'int32')) as tf.Tensor3D;
          const pred = model.applyHead(model.basis(x, e), heads as tf.Tensor2D);
          return tf.mean(tf.square(tf.sub(pred, tf.tensor2d(y)))) as tf.Scalar;
        },
        true,
        [...basisVars, heads],
      );
      cost?.dispose();
      if (step % 50 === 0) await tf.nextFrame?.();
    }
  } finally {
    optimizer.dispose();
    heads.dispose();
    e.dispose();
  }
}
