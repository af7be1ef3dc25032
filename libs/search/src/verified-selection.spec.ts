import { feasibility, normalCdf, selectVerified, type LatencyBelief } from './verified-selection';

describe('selectVerified', () => {
  // true latency of arch i is i ms; its score is i too (bigger = better and slower)
  const candidates = Array.from({ length: 20 }, (_, i) => ({ key: `a${i + 1}`, score: i + 1 }));
  const truth = (key: string): number => Number(key.slice(1));

  it('never returns an arch measured over budget, even when the predictor is optimistic', async () => {
    const optimistic = (keys: readonly string[]): LatencyBelief[] =>
      keys.map((k) => ({ ms: truth(k) * 0.7, low: truth(k) * 0.6, high: truth(k) * 0.85 }));
    const measured: string[] = [];
    const r = await selectVerified({
      candidates,
      budgetMs: 10.5,
      maxMeasurements: 6,
      predict: optimistic,
      measure: async (k) => (measured.push(k), truth(k)),
    });
    expect(r.best).not.toBeNull();
    expect(r.best!.measuredMs).toBeLessThanOrEqual(10.5);
    expect(r.steps.every((s) => s.withinBudget === s.measuredMs! <= 10.5)).toBe(true);
    expect(r.measurements).toBeLessThanOrEqual(6);
    expect(measured).toHaveLength(r.measurements);
  });

  it('finds the best feasible arch with an accurate predictor in few measurements', async () => {
    const exact = (keys: readonly string[]): LatencyBelief[] =>
      keys.map((k) => ({ ms: truth(k), low: truth(k) * 0.95, high: truth(k) * 1.05 }));
    const r = await selectVerified({
      candidates,
      budgetMs: 12.2,
      maxMeasurements: 10,
      predict: exact,
      measure: async (k) => truth(k),
    });
    expect(r.best).toEqual({ key: 'a12', score: 12, measuredMs: 12 });
    expect(r.measurements).toBeLessThanOrEqual(2);
  });

  it('uses known measurements for free and reports when nothing fits', async () => {
    const r = await selectVerified({
      candidates,
      budgetMs: 0.5,
      maxMeasurements: 3,
      predict: (keys) => keys.map((k) => ({ ms: truth(k), low: truth(k) * 0.9, high: truth(k) * 1.1 })),
      measure: async (k) => truth(k),
      known: new Map([['a1', 1]]),
    });
    expect(r.best).toBeNull();
    expect(r.measurements).toBe(0); // every candidate is far over budget: not worth a measurement
  });

  it('a failed measurement is never chosen', async () => {
    const r = await selectVerified({
      candidates: candidates.slice(0, 3),
      budgetMs: 100,
      maxMeasurements: 5,
      predict: (keys) => keys.map((k) => ({ ms: truth(k), low: truth(k) * 0.9, high: truth(k) * 1.1 })),
      measure: async (k) => (k === 'a3' ? null : truth(k)),
    });
    expect(r.best?.key).toBe('a2');
  });

  it('feasibility is a log-normal probability', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.6448536)).toBeCloseTo(0.95, 5);
    expect(feasibility({ ms: 10, low: 8, high: 12.5 }, 10)).toBeCloseTo(0.5, 6);
    expect(feasibility({ ms: 10, low: 8, high: 12.5 }, 12.5)).toBeCloseTo(0.95, 3);
  });
});
