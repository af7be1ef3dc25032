import { quantileSorted } from '@tailor/common';
import { invalid } from '@tailor/common';

/** Summary of per-run latency samples (all in ms except `cv` and `count`). */
export interface SampleStatistics {
  readonly count: number;
  readonly median: number;
  /** 90th percentile, linear interpolation between closest ranks (numpy's default, R type 7). */
  readonly p90: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1 denominator); 0 for a single sample. */
  readonly std: number;
  /** Coefficient of variation std / mean: the noise measure the protocol thresholds on. */
  readonly cv: number;
}

export function computeStatistics(samples: readonly number[]): SampleStatistics {
  if (samples.length === 0) throw invalid('samples', 'needs at least one sample');
  samples.forEach((s, i) => {
    if (!Number.isFinite(s) || s < 0)
      throw invalid(`samples[${i}]`, `must be a finite non-negative number, got ${s}`);
  });
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((acc, s) => acc + s, 0) / n;
  const variance = n > 1 ? sorted.reduce((acc, s) => acc + (s - mean) ** 2, 0) / (n - 1) : 0;
  const std = Math.sqrt(variance);
  return {
    count: n,
    median: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    min: sorted[0],
    max: sorted[n - 1],
    mean,
    std,
    // All-zero samples (a fake clock) have no spread; treat as perfectly stable rather than NaN.
    cv: mean === 0 ? 0 : std / mean,
  };
}
