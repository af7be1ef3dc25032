import * as tf from '@tensorflow/tfjs';
import type { ElasticSupernet } from './elastic-supernet';
import type { BnParams } from './supernet-params';

/** Descending L1 importance of each channel along `axis` (summed over every other axis). */
function rankByL1(weights: readonly tf.Tensor[], axis: number): Int32Array {
  const l1 = tf.tidy(() => {
    const sums = weights.map((w) => {
      const others = w.shape.map((_, i) => i).filter((i) => i !== axis);
      return tf.sum(tf.abs(w), others);
    });
    return tf.addN(sums).dataSync();
  });
  const order = Array.from(l1.keys()).sort((a, b) => l1[b] - l1[a] || a - b);
  return Int32Array.from(order);
}

function permute(v: tf.Variable, perm: Int32Array, axis: number): void {
  tf.tidy(() => v.assign(tf.gather(v, tf.tensor1d(perm, 'int32'), axis)));
}

const permuteBn = (bn: BnParams, perm: Int32Array): void => {
  permute(bn.gamma, perm, 0);
  permute(bn.beta, perm, 0);
};

/**
 * OFA's `re_organize_middle_weights`, run before elastic expand/width training: channels are sorted by
 * importance (the L1 norm of the weights that read them) so a smaller setting, which keeps the first
 * channels, keeps the most important ones. A consistent permutation of a channel's producer and
 * consumers leaves the largest network's function unchanged.
 *
 * - Expanded (middle) channels of each block: ranked by the projection conv's weights; the expand conv,
 *   both BNs, the depthwise kernel and the SE convs follow. The SE's hidden channels are ranked by the
 *   SE expand conv's weights.
 * - Stage output channels (elastic width): ranked by the input weights of every layer that reads the
 *   stage's output (the stage's later blocks, the next stage's first block or the final expand); every
 *   block's projection and BN in the stage follow, and residual sums stay aligned (a stage whose first
 *   block adds the stem's output takes the stem along).
 */
export function reorderChannels<A>(net: ElasticSupernet<A>): void {
  const { slots, finalExpand } = net.params;
  const perStage = net.slotsPerStage;
  for (const s of slots) {
    const mid = rankByL1([s.project], 2);
    permute(s.expand, mid, 3);
    permuteBn(s.expandBn, mid);
    permute(s.depthwise, mid, 2);
    permuteBn(s.depthwiseBn, mid);
    if (s.se) {
      permute(s.se.reduce, mid, 2);
      permute(s.se.expand, mid, 3);
      permute(s.se.expandBias, mid, 0);
      const hidden = rankByL1([s.se.expand], 2);
      permute(s.se.reduce, hidden, 3);
      permute(s.se.reduceBias, hidden, 0);
      permute(s.se.expand, hidden, 2);
    }
    permute(s.project, mid, 2);
  }
  const stages = slots.length / perStage;
  const { stem } = net.params;
  for (let stage = 0; stage < stages; stage++) {
    const own = slots.slice(stage * perStage, (stage + 1) * perStage);
    // A first block with an identity shortcut adds its input stream to the stage's: both must move
    // together. For the stem (not elastic) that is harmless; an earlier stage's stream has its own order.
    const sharesInput = own[0].inMax === own[0].outMax && net.space.spec.stages[stage].stride === 1;
    if (sharesInput && stage > 0) continue;
    const readers = [
      ...(sharesInput ? own : own.slice(1)).map((s) => s.expand),
      stage + 1 < stages ? slots[(stage + 1) * perStage].expand : finalExpand.conv,
    ];
    const perm = rankByL1(readers, 2);
    for (const r of readers) permute(r, perm, 2);
    for (const s of own) {
      permute(s.project, perm, 3);
      permuteBn(s.projectBn, perm);
    }
    if (sharesInput) {
      permute(stem.conv, perm, 3);
      permuteBn(stem.bn, perm);
    }
  }
}
