/**
 * Quantile q in [0, 1] of an ascending-sorted, non-empty array, interpolating linearly between the
 * closest ranks (numpy's default, R type 7), so figures match what users compute in a notebook.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
