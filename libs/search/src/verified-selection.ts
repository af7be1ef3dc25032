/**
 * Picks the arch a latency-constrained search returns when its latencies are predicted: candidates are
 * measured on the device one at a time, each time the one with the largest expected gain — score
 * improvement over the best arch already *measured* within budget, times the predicted probability that
 * it meets the budget — until the measurement budget is spent or no candidate can still win. Only a
 * measured, within-budget arch is ever returned; after each measurement the caller may re-adapt its
 * predictor, which `predict` then reflects.
 */
export interface VerificationCandidate {
  key: string;
  /** Higher is better (e.g. accuracy). */
  score: number;
}

export interface LatencyBelief {
  ms: number;
  /** Central 90 % interval. */
  low: number;
  high: number;
}

export interface VerificationInput {
  candidates: readonly VerificationCandidate[];
  budgetMs: number;
  maxMeasurements: number;
  /** Current beliefs for the given keys (called again after every measurement). */
  predict: (keys: readonly string[]) => LatencyBelief[] | Promise<LatencyBelief[]>;
  /** Measures one arch on the device; null when the measurement failed for good. */
  measure: (key: string) => Promise<number | null>;
  /** Latencies already measured on the device (calibration archs, earlier searches): free to use. */
  known?: ReadonlyMap<string, number>;
  /** Stop early when every remaining candidate's chance of meeting the budget is below this. */
  minFeasibility?: number;
}

export interface VerificationStep {
  key: string;
  score: number;
  predictedMs: number;
  feasibility: number;
  measuredMs: number | null;
  withinBudget: boolean;
}

export interface VerificationResult {
  best: { key: string; score: number; measuredMs: number } | null;
  steps: VerificationStep[];
  measurements: number;
  stoppedBecause: 'measurement budget spent' | 'no candidate can improve' | 'all candidates measured';
}

const Z90 = 1.6448536269514722;

export async function selectVerified(input: VerificationInput): Promise<VerificationResult> {
  const minP = input.minFeasibility ?? 0.02;
  const measured = new Map<string, number | null>(input.known ?? []);
  const steps: VerificationStep[] = [];
  // A holder rather than a `let`: TypeScript does not see assignments made inside the closure.
  const state: { best: VerificationResult['best'] } = { best: null };
  const consider = (c: VerificationCandidate, ms: number | null): void => {
    if (ms !== null && ms <= input.budgetMs && (!state.best || c.score > state.best.score))
      state.best = { key: c.key, score: c.score, measuredMs: ms };
  };
  for (const c of input.candidates) if (measured.has(c.key)) consider(c, measured.get(c.key)!);

  let used = 0;
  for (;;) {
    const best = state.best;
    const open = input.candidates.filter((c) => !measured.has(c.key) && (!best || c.score > best.score));
    if (open.length === 0)
      return {
        best,
        steps,
        measurements: used,
        stoppedBecause: best ? 'no candidate can improve' : 'all candidates measured',
      };
    if (used >= input.maxMeasurements)
      return { best, steps, measurements: used, stoppedBecause: 'measurement budget spent' };
    const beliefs = await input.predict(open.map((c) => c.key));
    const floor = best ? best.score : Math.min(...open.map((c) => c.score)) - 1;
    let pick = -1;
    let pickValue = -Infinity;
    open.forEach((c, i) => {
      const p = feasibility(beliefs[i], input.budgetMs);
      // Without any verified arch yet, a likely-feasible arch is worth more than a long shot.
      const value =
        p < minP
          ? -Infinity
          : best
            ? (c.score - floor) * p
            : p >= 0.5
              ? c.score
              : (c.score - floor) * p - 1e6;
      if (value > pickValue) [pick, pickValue] = [i, value];
    });
    if (pick < 0) return { best, steps, measurements: used, stoppedBecause: 'no candidate can improve' };
    const c = open[pick];
    const ms = await input.measure(c.key);
    used++;
    measured.set(c.key, ms);
    steps.push({
      key: c.key,
      score: c.score,
      predictedMs: beliefs[pick].ms,
      feasibility: feasibility(beliefs[pick], input.budgetMs),
      measuredMs: ms,
      withinBudget: ms !== null && ms <= input.budgetMs,
    });
    consider(c, ms);
  }
}

/** P(latency ≤ budget) under a log-normal belief whose 90 % interval is [low, high]. */
export function feasibility(belief: LatencyBelief, budgetMs: number): number {
  const sigma = (Math.log(belief.high) - Math.log(belief.low)) / (2 * Z90);
  const z = (Math.log(budgetMs) - Math.log(belief.ms)) / Math.max(sigma, 1e-9);
  return normalCdf(z);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
