import type { Rng } from '@tailor/common';
import type { ImageSet } from './fashion-mnist';

export interface Augmentation {
  /** Mirror left–right with probability 1/2 (clothes are close to symmetric). */
  readonly flip: boolean;
  /** Random translation by up to this many pixels, zero-filled (the usual "pad and crop"). */
  readonly shift: number;
}

export const NO_AUGMENTATION: Augmentation = { flip: false, shift: 0 };

/** A batch as NHWC float pixels in [0, 1] (one channel) with integer labels. */
export interface ImageBatch {
  readonly x: Float32Array;
  readonly labels: Int32Array;
  readonly shape: [number, number, number, number];
}

/**
 * Pixels are scaled to [0, 1] and nothing else: the networks start with conv + BN, and an exported
 * model then needs no mean/std step that its user could forget.
 */
export function makeBatch(
  set: ImageSet,
  indices: readonly number[],
  aug = NO_AUGMENTATION,
  rng?: Rng,
): ImageBatch {
  const { height: h, width: w } = set;
  const pixels = h * w;
  const x = new Float32Array(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  const augmenting = aug.flip || aug.shift > 0;
  if (augmenting && !rng) throw new RangeError('makeBatch: augmentation needs an rng');
  indices.forEach((idx, i) => {
    if (idx < 0 || idx >= set.count)
      throw new RangeError(`makeBatch: index ${idx} outside [0, ${set.count})`);
    labels[i] = set.labels[idx];
    const src = idx * pixels;
    const dst = i * pixels;
    if (!augmenting) {
      for (let p = 0; p < pixels; p++) x[dst + p] = set.images[src + p] / 255;
      return;
    }
    const flip = aug.flip && rng!.bool();
    const dy = aug.shift > 0 ? rng!.int(2 * aug.shift + 1) - aug.shift : 0;
    const dx = aug.shift > 0 ? rng!.int(2 * aug.shift + 1) - aug.shift : 0;
    for (let r = 0; r < h; r++) {
      const sr = r + dy;
      if (sr < 0 || sr >= h) continue;
      for (let c = 0; c < w; c++) {
        const sc0 = c + dx;
        if (sc0 < 0 || sc0 >= w) continue;
        const sc = flip ? w - 1 - sc0 : sc0;
        x[dst + r * w + c] = set.images[src + sr * w + sc] / 255;
      }
    }
  });
  return { x, labels, shape: [indices.length, h, w, 1] };
}

/** Consecutive index ranges [0, n) in batches of `size` (the last may be shorter). */
export function* batchRanges(n: number, size: number): Generator<number[]> {
  for (let start = 0; start < n; start += size) {
    yield Array.from({ length: Math.min(size, n - start) }, (_, i) => start + i);
  }
}
