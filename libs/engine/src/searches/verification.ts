import {
  selectVerified,
  violation,
  type EvaluationRecord,
  type SearchProblem,
  type VerificationStep,
} from '@tailor/search';
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
): Promise<{ best: CandidateView | null; view: VerificationView }> {
  const constraint = problem.constraints.find((c) => c.metric === metric && c.max !== undefined);
  const objective = problem.objectives[0];
  const sign = objective.goal === 'max' ? 1 : -1;
  const others = problem.constraints.filter((c) => c !== constraint);
  const eligible = records.filter(
    (r) => r.metrics[objective.metric] !== null && violation(others, r.metrics) === 0,
  );
  const byKey = new Map(eligible.map((r) => [r.key, r]));
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
    maxMeasurements,
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
      stoppedBecause: result.stoppedBecause,
      predictedBest: predictedFeasible
        ? { ...predictedFeasible, predictedMs: byKey.get(predictedFeasible.key)!.metrics[metric] as number }
        : null,
      steps: result.steps,
    },
  };
}
