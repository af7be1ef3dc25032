import { Rng } from '@tailor/common';

/**
 * HELP's few-shot evaluation protocol (HELP loader.py / utils.py), on index ranges of a latency table:
 * per device, within the training pool and within the query range separately, keep only archs whose
 * latency rank lies in [10 %, 90 %); the device is adapted from its reference archs plus `samples`
 * random archs of the filtered pool and scored on the filtered query range.
 */
export interface ProtocolSplit {
  /** Filtered training-pool indices the few-shot samples come from. */
  pool: number[];
  /** The `samples` archs measured for adaptation (drawn from `pool`, without the reference archs). */
  shots: number[];
  /** Filtered query indices the scores are computed on. */
  query: number[];
}

/** Indices in [start, end) whose rank (by latency, ties by index) is in [lowShare, highShare) of the range. */
export function filterOutliers(
  latencies: readonly number[],
  [start, end]: readonly [number, number],
  lowShare = 0.1,
  highShare = 0.9,
): number[] {
  const idx = Array.from({ length: end - start }, (_, i) => start + i);
  const sorted = [...idx].sort((a, b) => latencies[a] - latencies[b] || a - b);
  const n = idx.length;
  // HELP: sort, then keep [int(n·0.1), int(n·0.9)) — integer truncation as in its loader.
  const kept = new Set(sorted.slice(Math.trunc(n * lowShare), Math.trunc(n * highShare)));
  return idx.filter((i) => kept.has(i));
}

export function protocolSplit(
  latencies: readonly number[],
  ranges: { trainPool: readonly [number, number]; query: readonly [number, number] },
  referenceIndex: readonly number[],
  samples: number,
  seed: number,
): ProtocolSplit {
  const pool = filterOutliers(latencies, ranges.trainPool);
  const query = filterOutliers(latencies, ranges.query);
  const refs = new Set(referenceIndex);
  const candidates = pool.filter((i) => !refs.has(i));
  if (candidates.length < samples)
    throw new RangeError(
      `the filtered training pool has ${candidates.length} archs, fewer than samples=${samples}`,
    );
  const rng = Rng.fromSeed(seed);
  return { pool, shots: sampleWithoutReplacement(candidates, samples, rng), query };
}

/** Partial Fisher–Yates: `k` distinct items of `items`, order as drawn. */
export function sampleWithoutReplacement<T>(items: readonly T[], k: number, rng: Rng): T[] {
  const copy = [...items];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(copy.length - i);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, k);
}
