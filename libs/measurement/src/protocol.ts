import { invalid } from '@tailor/common';
import { computeStatistics, SampleStatistics } from './statistics';

/**
 * A built model ready to be timed. `run` must include reading the outputs back (so asynchronous
 * backends have actually finished the work) and must free anything it allocates.
 */
export interface RunnableModel {
  run(): Promise<void>;
  dispose(): void | Promise<void>;
}

/** Builds the model; a factory rather than a model so the build (compile, weight upload) is timed. */
export type ModelFactory = () => Promise<RunnableModel>;

/** Milliseconds from an arbitrary origin; injectable so tests can drive time deterministically. */
export type Clock = () => number;

export interface MeasureParams {
  /** Runs after the first inference and before timing (JIT, caches, allocator warm-up). Default 10. */
  readonly warmupRuns?: number;
  /** Number of timed repeats, each yielding one per-run sample. Default 5. */
  readonly repeats?: number;
  /** Each repeat runs the model until this much time has passed, so timer resolution is amortised. Default 100. */
  readonly minRepeatMs?: number;
  /** Coefficient of variation above which the repeats are measured once more. Default 0.10. */
  readonly maxCv?: number;
  /** Guard against a clock that never advances (or a zero-cost model): cap runs per repeat. Default 1e6. */
  readonly maxRunsPerRepeat?: number;
  readonly clock?: Clock;
}

export interface ResolvedMeasureParams {
  readonly warmupRuns: number;
  readonly repeats: number;
  readonly minRepeatMs: number;
  readonly maxCv: number;
  readonly maxRunsPerRepeat: number;
}

export interface MeasurementAttempt {
  /** Per-run sample of each repeat: repeat wall time / runs in that repeat. */
  readonly samples: readonly number[];
  readonly runsPerRepeat: readonly number[];
  readonly stats: SampleStatistics;
}

export interface Measurement {
  readonly params: ResolvedMeasureParams;
  readonly buildMs: number;
  readonly firstRunMs: number;
  /** Samples and statistics of the attempt that counts (the re-measure when there was one). */
  readonly samples: readonly number[];
  readonly stats: SampleStatistics;
  /** Every attempt in order; two when the first was above maxCv. */
  readonly attempts: readonly MeasurementAttempt[];
  readonly remeasured: boolean;
  /** True when even the re-measure stayed above maxCv: the number should not be trusted blindly. */
  readonly noisy: boolean;
  readonly totalRuns: number;
}

export const DEFAULT_MEASURE_PARAMS: ResolvedMeasureParams = {
  warmupRuns: 10,
  repeats: 5,
  minRepeatMs: 100,
  maxCv: 0.1,
  maxRunsPerRepeat: 1_000_000,
};

const defaultClock: Clock = () => performance.now();

function integerAtLeast(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(field, `must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function finiteAtLeast(field: string, value: unknown, min: number, exclusive: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (exclusive && value === min)) {
    throw invalid(field, `must be a finite number ${exclusive ? '>' : '>='} ${min}, got ${String(value)}`);
  }
  return value;
}

export function resolveMeasureParams(params: MeasureParams = {}): ResolvedMeasureParams & { clock: Clock } {
  const d = DEFAULT_MEASURE_PARAMS;
  if (params.clock !== undefined && typeof params.clock !== 'function') {
    throw invalid('clock', 'must be a function returning milliseconds');
  }
  return {
    warmupRuns: integerAtLeast('warmupRuns', params.warmupRuns ?? d.warmupRuns, 0),
    repeats: integerAtLeast('repeats', params.repeats ?? d.repeats, 1),
    minRepeatMs: finiteAtLeast('minRepeatMs', params.minRepeatMs ?? d.minRepeatMs, 0, false),
    maxCv: finiteAtLeast('maxCv', params.maxCv ?? d.maxCv, 0, true),
    maxRunsPerRepeat: integerAtLeast('maxRunsPerRepeat', params.maxRunsPerRepeat ?? d.maxRunsPerRepeat, 1),
    clock: params.clock ?? defaultClock,
  };
}

async function timedRepeats(
  model: RunnableModel,
  p: ResolvedMeasureParams & { clock: Clock },
): Promise<MeasurementAttempt> {
  const samples: number[] = [];
  const runsPerRepeat: number[] = [];
  for (let r = 0; r < p.repeats; r++) {
    const start = p.clock();
    let runs = 0;
    let elapsed: number;
    // Always at least one run; keep going until the repeat is long enough to swamp timer jitter.
    do {
      await model.run();
      runs++;
      elapsed = p.clock() - start;
    } while (elapsed < p.minRepeatMs && runs < p.maxRunsPerRepeat);
    samples.push(elapsed / runs);
    runsPerRepeat.push(runs);
  }
  return { samples, runsPerRepeat, stats: computeStatistics(samples) };
}

/**
 * The runtime-neutral latency protocol: build once (timed), first inference (timed separately,
 * it includes lazy kernel compilation), warm-up, then `repeats` timed repeats; if their CV is
 * above `maxCv` the repeats are run once more and `noisy` flags a second failure.
 * The model is always disposed, also on error.
 */
export async function measure(factory: ModelFactory, params: MeasureParams = {}): Promise<Measurement> {
  const p = resolveMeasureParams(params);
  const { clock } = p;
  const buildStart = clock();
  const model = await factory();
  const buildMs = clock() - buildStart;
  try {
    const firstStart = clock();
    await model.run();
    const firstRunMs = clock() - firstStart;
    for (let i = 0; i < p.warmupRuns; i++) await model.run();

    const attempts = [await timedRepeats(model, p)];
    if (attempts[0].stats.cv > p.maxCv) attempts.push(await timedRepeats(model, p));
    const final = attempts[attempts.length - 1];
    const timedRuns = attempts.reduce((acc, a) => acc + a.runsPerRepeat.reduce((x, y) => x + y, 0), 0);
    const { clock: _clock, ...resolved } = p;
    return {
      params: resolved,
      buildMs,
      firstRunMs,
      samples: final.samples,
      stats: final.stats,
      attempts,
      remeasured: attempts.length > 1,
      noisy: final.stats.cv > p.maxCv,
      totalRuns: 1 + p.warmupRuns + timedRuns,
    };
  } finally {
    await model.dispose();
  }
}
