import {
  selectVerified,
  violation,
  type EvaluationRecord,
  type SearchProblem,
  type VerificationResult,
  type VerificationStep,
} from '@tailor/search';
import type { SearchSpace } from '@tailor/search-spaces';
import type { MetricEvaluator } from './metric-evaluator';
import type { CandidateView } from './search-views';
import type { PredictedDeviceLatency } from './predicted-latency';

export interface VerificationView {
  device: string;
  metric: string;
  budgetMs: number;
  calibrationId: string | null;
  maxMeasurements: number;
  /** Measurements made to verify (calibration measurements are counted in deviceMeasurements). */
  measurements: number;
  stoppedBecause: string;
  /** The best arch by predicted latency, before verification. */
  predictedBest: { key: string; score: number; predictedMs: number } | null;
  steps: VerificationStep[];
}

/**
 * Turns a predicted-latency search's records into the arch it may return: the best arch by the first
 * objective whose latency was *measured* within the budget (selectVerified), never a prediction.
 * Other constraints (table-backed) must hold as recorded.
 */
export async function verifyBest(
  problem: SearchProblem,
  records: readonly EvaluationRecord[],
  metric: string,
  model: PredictedDeviceLatency,
  maxMeasurements: number,
  opts: { cancelled?: boolean } = {},
): Promise<{ best: CandidateView | null; view: VerificationView }> {
  const constraint = problem.constraints.find((c) => c.metric === metric && c.max !== undefined);
  const objective = problem.objectives[0];
  const sign = objective.goal === 'max' ? 1 : -1;
  const others = problem.constraints.filter((c) => c !== constraint);
  const eligible = records.filter(
    (r) => r.metrics[objective.metric] !== null && violation(others, r.metrics) === 0,
  );
  const byKey = new Map<string, EvaluationRecord>();
  for (const r of eligible) if (!byKey.has(r.key)) byKey.set(r.key, r); // the search's own record first
  const candidates = [...byKey.values()].map((r) => ({
    key: r.key,
    score: sign * (r.metrics[objective.metric] as number),
  }));
  const budgetMs = constraint?.max ?? Infinity;
  const predictedFeasible = candidates
    .filter((c) => (byKey.get(c.key)!.metrics[metric] ?? Infinity) <= budgetMs)
    .sort((a, b) => b.score - a.score)[0];
  const result = await selectVerified({
    candidates,
    budgetMs,
    // A cancelled search measures nothing more: only latencies already measured can confirm an arch.
    maxMeasurements: opts.cancelled ? 0 : maxMeasurements,
    predict: (keys) => model.predict(keys),
    measure: (key) => model.measure(key),
    known: model.known(),
  });
  const bestRecord = result.best ? byKey.get(result.best.key)! : null;
  return {
    best: bestRecord
      ? {
          key: bestRecord.key,
          arch: bestRecord.arch,
          metrics: { ...bestRecord.metrics, [metric]: result.best!.measuredMs },
          feasible: true,
          evaluation: bestRecord.seq,
        }
      : null,
    view: {
      device: model.deviceId,
      metric,
      budgetMs,
      calibrationId: model.calibrationId ?? null,
      maxMeasurements,
      measurements: result.measurements,
      stoppedBecause: opts.cancelled
        ? 'search cancelled: only latencies already measured on the device were used'
        : explain(result),
      predictedBest: predictedFeasible
        ? { ...predictedFeasible, predictedMs: byKey.get(predictedFeasible.key)!.metrics[metric] as number }
        : null,
      steps: result.steps,
    },
  };
}

/** Why verification stopped, saying outright when no arch could be confirmed within the budget. */
function explain(r: VerificationResult): string {
  if (r.best) return r.stoppedBecause;
  switch (r.stoppedBecause) {
    case 'no candidate can improve':
      return 'no candidate is likely within the budget by its predicted latency';
    case 'all candidates measured':
      return 'all candidates measured; none is within the budget';
    default:
      return `${r.stoppedBecause}; none measured within the budget`;
  }
}

const ENUMERATION_CHUNK = 2048;

/** Every arch of an enumerable space with its metrics (predicted latency included), as records with seq 0. */
export async function enumerateRecords(
  space: SearchSpace,
  evaluator: MetricEvaluator,
): Promise<EvaluationRecord[]> {
  const out: EvaluationRecord[] = [];
  let chunk: unknown[] = [];
  const flush = async (): Promise<void> => {
    const metrics = await evaluator.evaluate(chunk);
    chunk.forEach((arch, i) =>
      out.push({
        seq: 0,
        key: space.canonical(arch),
        arch: space.toJSON(arch),
        metrics: metrics[i],
        violation: null,
        feasible: false,
      }),
    );
    chunk = [];
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (const arch of space.enumerate()) {
    chunk.push(arch);
    if (chunk.length === ENUMERATION_CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  return out;
}
