import { violation, type EvaluationRecord, type SearchProblem } from '@tailor/search';
import type { PredictedDeviceLatency } from './predicted-latency';
import type { CandidateView, ValidatedCandidate, ValidatedView } from './search-views';

/** Scores archs on the validation split (fractions, in order); a worker thread in the service. */
export type SubnetScorer = (keys: readonly string[]) => Promise<number[]>;

export interface AccuracyValidationInput {
  readonly problem: SearchProblem;
  readonly records: readonly EvaluationRecord[];
  /** `latency:<device>`, predicted by `model` and verified on the device. */
  readonly latencyMetric: string;
  readonly model: PredictedDeviceLatency;
  /** `accuracy:<dataset>`, predicted by the supernet's accuracy predictor. */
  readonly accuracyMetric: string;
  readonly supernetId: string;
  /** The answer latency verification confirmed, if any: always among the validated. */
  readonly verifiedBest: CandidateView | null;
  readonly topK: number;
  readonly score: SubnetScorer;
  readonly images: { readonly validation: number; readonly calibration: number };
}

/**
 * OFA's last step, done honestly: the accuracy predictor only ranks, so the top-k candidates by
 * predicted accuracy that the latency predictor places within the budget are measured on the device,
 * those measured within it are scored on the validation split from the supernet, and the most accurate
 * becomes the answer. Returns null when nothing could be confirmed within the budget.
 */
export async function validateTopCandidates(input: AccuracyValidationInput): Promise<ValidatedView | null> {
  const started = Date.now();
  const { problem, latencyMetric, accuracyMetric, model } = input;
  const budget = problem.constraints.find((c) => c.metric === latencyMetric)?.max ?? Infinity;
  const others = problem.constraints.filter((c) => c.metric !== latencyMetric);
  const byKey = new Map<string, EvaluationRecord>();
  for (const r of input.records)
    if (!byKey.has(r.key) && r.metrics[accuracyMetric] != null && violation(others, r.metrics) === 0)
      byKey.set(r.key, r);
  const known = model.known();
  const latencyOf = (r: EvaluationRecord): number => known.get(r.key) ?? r.metrics[latencyMetric] ?? Infinity;
  const ranked = [...byKey.values()]
    .filter((r) => latencyOf(r) <= budget)
    .sort((a, b) => (b.metrics[accuracyMetric] as number) - (a.metrics[accuracyMetric] as number));
  const picked = ranked.slice(0, input.topK);
  const best = input.verifiedBest ? byKey.get(input.verifiedBest.key) : undefined;
  if (best && !picked.includes(best)) picked.unshift(best);

  const within: Array<{ record: EvaluationRecord; ms: number }> = [];
  const overBudget: ValidatedView['overBudget'] = [];
  for (const record of picked) {
    const ms = model.known().get(record.key) ?? (await model.measure(record.key));
    if (ms !== null && ms <= budget) within.push({ record, ms });
    else overBudget.push({ key: record.key, measuredMs: ms });
  }
  if (within.length === 0) return null;
  const accuracies = await input.score(within.map((w) => w.record.key));
  const candidates: ValidatedCandidate[] = within
    .map(({ record, ms }, i) => ({
      key: record.key,
      arch: record.arch,
      metrics: { ...record.metrics, [latencyMetric]: ms },
      feasible: true,
      evaluation: record.seq,
      predictedAccuracy: record.metrics[accuracyMetric] as number,
      validationAccuracy: round2(100 * accuracies[i]),
      measuredMs: ms,
    }))
    .sort((a, b) => b.validationAccuracy - a.validationAccuracy || b.predictedAccuracy - a.predictedAccuracy);
  return {
    supernetId: input.supernetId,
    metric: accuracyMetric,
    validationImages: input.images.validation,
    calibrationImages: input.images.calibration,
    candidates,
    overBudget,
    seconds: (Date.now() - started) / 1000,
  };
}

const round2 = (x: number): number => Math.round(100 * x) / 100;
