import { Rng } from '@tailor/common';
import { GridSpace, toyProblem } from '../testing/toy-spaces.helper-spec';
import { violation } from '../ranking';
import type { Evaluated, SearchProblem } from '../types';
import { NoveltyFilter } from './algorithm-support';
import { SurrogatePicker } from './surrogate-picker';
import { RidgeModel, expectedImprovement, normalCdf, sparseFeatures } from './surrogate';

/** One-hot encoding of a 4-gene, 3-choice toy arch. */
const oneHot = (arch: readonly number[]) => arch.flatMap((v) => [0, 1, 2].map((c) => (c === v ? 1 : 0)));

describe('sparseFeatures', () => {
  it('lists the non-zero entries and their pairwise products within the window', () => {
    const row = sparseFeatures([0, 2, 0, 3, 5], 3);
    expect(row.idx.slice(0, 3)).toEqual([1, 3, 4]);
    expect(row.val).toEqual([2, 3, 5, 6, 15]); // (1,3) and (3,4); (1,4) is outside the window
    expect(row.idx.slice(3)).toEqual([5 + 1 * 5 + 3, 5 + 3 * 5 + 4]);
  });
});

describe('RidgeModel', () => {
  const archs: number[][] = [];
  for (let i = 0; i < 81; i++) archs.push([0, 1, 2, 3].map((g) => Math.floor(i / 3 ** g) % 3));
  // An additive part plus an interaction: gene 0 = 2 AND gene 1 = 2 is worth a bonus of 3.
  const f = (a: readonly number[]) => a[0] + 0.5 * a[2] - a[3] + (a[0] === 2 && a[1] === 2 ? 3 : 0);

  it('recovers an additive function with a pairwise interaction', () => {
    const rng = Rng.fromSeed(4);
    const train = rng.shuffle(archs).slice(0, 60);
    const model = RidgeModel.fit(
      train.map((a) => sparseFeatures(oneHot(a))),
      train.map(f),
      1e-4,
      12 + 144,
      500,
    );
    for (const a of archs) expect(model.predict(sparseFeatures(oneHot(a)))).toBeCloseTo(f(a), 2);
    expect(model.rmse).toBeLessThan(1e-3);
  });

  it('shrinks towards the mean as the penalty grows, and is exactly reproducible', () => {
    const rows = archs.map((a) => sparseFeatures(oneHot(a)));
    const y = archs.map(f);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const strong = RidgeModel.fit(rows, y, 1e6);
    expect(strong.predict(rows[80])).toBeCloseTo(mean, 1);
    const a = RidgeModel.fit(rows, y, 0.5);
    const b = RidgeModel.fit(rows, y, 0.5, 12 + 144); // flat weights: same numbers
    expect(rows.map((r) => a.predict(r))).toEqual(rows.map((r) => b.predict(r)));
  });

  it('predicts the mean for an empty training set and ignores unseen features', () => {
    expect(RidgeModel.fit([], []).predict({ idx: [1], val: [1] })).toBe(0);
    const m = RidgeModel.fit(
      [
        { idx: [0], val: [1] },
        { idx: [], val: [] },
      ],
      [2, 0],
      1e-9,
    );
    expect(m.predict({ idx: [0], val: [1] })).toBeCloseTo(2, 6);
    expect(m.predict({ idx: [7], val: [1] })).toBe(m.predict({ idx: [], val: [] }));
  });
});

describe('normal helpers', () => {
  it('computes the CDF and the expected improvement', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 3);
    expect(expectedImprovement(1, 0, 0.5)).toBe(0.5);
    expect(expectedImprovement(0, 1, 0)).toBeCloseTo(0.3989, 3);
    expect(expectedImprovement(0, 1, 3)).toBeLessThan(expectedImprovement(0, 1, 1));
  });
});

describe('SurrogatePicker', () => {
  function history(
    problem: SearchProblem<readonly number[]>,
    metricsOf: (a: readonly number[]) => Record<string, number | null>,
    n: number,
  ) {
    const rng = Rng.fromSeed(9);
    const out: Evaluated<readonly number[]>[] = [];
    for (let i = 0; i < n; i++) {
      const arch = problem.space.sample(rng);
      const metrics = metricsOf(arch);
      out.push({
        arch,
        key: problem.space.canonical(arch),
        metrics,
        violation: violation(problem.constraints, metrics),
      });
    }
    return out;
  }

  it('ranks the whole unevaluated space of a small space and favours good feasible archs', () => {
    const { problem, metricsOf, oracle } = toyProblem();
    const seen = history(problem, metricsOf, 120);
    const keys = new Set(seen.map((e) => e.key));
    const picker = new SurrogatePicker(problem, { poolSize: 0, mutationProbability: 0.1 });
    const picks = picker.pick(seen, 10, new NoveltyFilter(problem, (k) => keys.has(k)), Rng.fromSeed(1));
    expect(picks).toHaveLength(10);
    expect(picks.some((a) => keys.has(problem.space.canonical(a)))).toBe(false);
    const feasible = picks.filter((a) => (metricsOf(a).lat as number) <= 10);
    expect(feasible.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...feasible.map((a) => metricsOf(a).acc as number))).toBeGreaterThan(oracle - 1);
  });

  it('draws a pool from the elite in a space too large to enumerate, deterministically', () => {
    const space = new GridSpace(12, 5); // 244M archs
    const problem: SearchProblem<readonly number[]> = {
      space,
      objectives: [{ metric: 'acc', goal: 'max' }],
      constraints: [{ metric: 'lat', max: 20 }],
    };
    const metricsOf = (a: readonly number[]) => ({
      acc: a.reduce((s, v, i) => s + Math.sqrt(v) * (1 + (i % 3)), 0),
      lat: a.reduce((s, v) => s + v, 0),
    });
    const seen = history(problem, metricsOf, 60);
    const run = () =>
      new SurrogatePicker(problem, { poolSize: 500, mutationProbability: 0.1 }).pick(
        seen,
        8,
        new NoveltyFilter(problem, undefined),
        Rng.fromSeed(2),
      );
    const picks = run();
    expect(picks).toHaveLength(8);
    expect(run()).toEqual(picks);
    const bestSeen = Math.max(...seen.filter((e) => e.violation === 0).map((e) => e.metrics.acc as number));
    const bestPick = Math.max(...picks.filter((a) => metricsOf(a).lat <= 20).map((a) => metricsOf(a).acc));
    expect(bestPick).toBeGreaterThan(bestSeen);
  });
});
