import type { EvaluationRecord, SearchProblem } from '@tailor/search';
import { validateTopCandidates } from './accuracy-validation';
import type { PredictedDeviceLatency } from './predicted-latency';

const LAT = 'latency:farm-1';
const ACC = 'accuracy:fashion-mnist';
const problem = {
  objectives: [{ metric: ACC, goal: 'max' }],
  constraints: [{ metric: LAT, max: 10 }],
} as unknown as SearchProblem;

/** Predicted accuracy and latency per arch; `measured` is what the device would say. */
const archs: Record<string, { acc: number; predictedMs: number; measured: number | null }> = {
  a: { acc: 90, predictedMs: 9, measured: 12 }, // predicted in budget, measured over
  b: { acc: 89, predictedMs: 8, measured: 9 },
  c: { acc: 88, predictedMs: 7, measured: 6 },
  d: { acc: 87, predictedMs: 6, measured: null }, // measurement failed
  e: { acc: 95, predictedMs: 30, measured: 30 }, // predicted over budget: never measured
  f: { acc: 80, predictedMs: 2, measured: 2 },
};
const records: EvaluationRecord[] = Object.entries(archs).map(([key, a], seq) => ({
  seq,
  key,
  arch: key,
  metrics: { [ACC]: a.acc, [LAT]: a.predictedMs },
  violation: null,
  feasible: a.predictedMs <= 10,
}));

function fakeModel(known: Record<string, number> = {}) {
  const measured = new Map(Object.entries(known));
  const model = {
    known: () => new Map(measured),
    measure: jest.fn(async (key: string) => {
      const ms = archs[key].measured;
      if (ms !== null) measured.set(key, ms);
      return ms;
    }),
  };
  return model;
}

const run = (model: ReturnType<typeof fakeModel>, topK: number, score = jest.fn()) =>
  validateTopCandidates({
    problem,
    records,
    latencyMetric: LAT,
    model: model as unknown as PredictedDeviceLatency,
    accuracyMetric: ACC,
    supernetId: 'sn',
    verifiedBest: null,
    topK,
    images: { validation: 2000, calibration: 500 },
    score,
  });

describe('validateTopCandidates (OFA: top-k measured on the device, scored on the validation split)', () => {
  it('measures the top-k predicted within budget, drops those over it, and ranks by validation accuracy', async () => {
    const model = fakeModel();
    // Validation disagrees with the predictor: c is really better than b.
    const score = jest.fn(async (keys: readonly string[]) => keys.map((k) => ({ b: 0.81, c: 0.845 })[k]!));
    const v = (await run(model, 4, score))!;
    expect(model.measure.mock.calls.map((c) => c[0])).toEqual(['a', 'b', 'c', 'd']);
    expect(score).toHaveBeenCalledWith(['b', 'c']);
    expect(v.candidates.map((c) => [c.key, c.validationAccuracy, c.predictedAccuracy, c.measuredMs])).toEqual(
      [
        ['c', 84.5, 88, 6],
        ['b', 81, 89, 9],
      ],
    );
    expect(v.candidates[0].metrics[LAT]).toBe(6);
    expect(v.overBudget).toEqual([
      { key: 'a', measuredMs: 12 },
      { key: 'd', measuredMs: null },
    ]);
  });

  it('reuses latencies already measured and skips archs measured over the budget before', async () => {
    const model = fakeModel({ a: 12, b: 9 });
    const v = (await run(
      model,
      2,
      jest.fn(async (keys: readonly string[]) => keys.map(() => 0.8)),
    ))!;
    // a is known to be over budget, so the top 2 are b (known) and c (measured now).
    expect(model.measure.mock.calls.map((c) => c[0])).toEqual(['c']);
    expect(v.candidates.map((c) => c.key).sort()).toEqual(['b', 'c']);
  });

  it('returns null when nothing is measured within the budget', async () => {
    const model = fakeModel();
    const score = jest.fn();
    expect(await run(model, 1, score)).toBeNull();
    expect(score).not.toHaveBeenCalled();
  });
});
