import type { Rng } from '@tailor/common';
import type { SearchSpace } from '@tailor/search-spaces';
import { goalValue, rankForObjective } from '../ranking';
import type { Evaluated, SearchProblem } from '../types';
import type { NoveltyFilter } from './algorithm-support';
import { RidgeModel, expectedImprovement, normalCdf, sparseFeatures, type SparseRow } from './surrogate';

/** Spaces up to this size are scored whole: every unevaluated arch is a candidate (NAS-Bench-201: 15,625). */
const ENUMERATION_LIMIT = 50_000n;
/**
 * Pair window of `sparseFeatures`: every pair on short encodings (NAS-Bench-201: 30 dims), nearby dims only
 * on long ones (FBNet: 132 dims, ~3 layers either way), so rows stay a few hundred entries long.
 */
const pairWindow = (length: number) => Math.max(16, Math.floor(2048 / length));
/** Multiply-adds one fit may spend: bounds the CG iterations, hence the CPU of an ask on long encodings. */
const FIT_WORK = 2e7;
/** Training residuals understate the error on unseen archs; this widens them for EI and feasibility odds. */
const SIGMA_INFLATION = 2;
/** Ridge penalty: one-hot rows have unit entries, so λ = 1 weighs like one extra observation per feature. */
const LAMBDA = 1;

export interface PickerOptions {
  /** Candidates generated from the elite per ask when the space is not scored whole. */
  readonly poolSize: number;
  readonly mutationProbability: number;
}

interface Enumerated<A> {
  readonly archs: readonly A[];
  readonly keys: readonly string[];
  readonly rows: readonly SparseRow[];
}
// Enumeration depends only on the (immutable) space: shared by every search over it, never in any state.
const enumerations = new WeakMap<object, Enumerated<unknown>>();

function enumerated<A>(space: SearchSpace<A>): Enumerated<A> | undefined {
  if (!space.enumerable || space.cardinality() > ENUMERATION_LIMIT) return undefined;
  let e = enumerations.get(space) as Enumerated<A> | undefined;
  if (!e) {
    const archs = [...space.enumerate()];
    const rows = archs.map((a) => sparseFeatures(space.encode(a), pairWindow(space.encodingLength)));
    e = { archs, keys: archs.map((a) => space.canonical(a)), rows };
    enumerations.set(space, e);
  }
  return e;
}

/**
 * Proposes the archs a surrogate rates best. One ridge model per metric (the first objective and every
 * constrained metric) is refit on the whole evaluated history at each call; candidates are ranked by
 * expected improvement over the best feasible value times the probability that every constraint holds.
 * The history fully determines the models, so a restored search refits the very same ones.
 */
export class SurrogatePicker<A> {
  private readonly rows = new Map<string, SparseRow>();
  private models?: { size: number; objective: RidgeModel; constraints: RidgeModel[] };

  constructor(
    private readonly problem: SearchProblem<A>,
    private readonly options: PickerOptions,
  ) {}

  private row(arch: A, key: string): SparseRow {
    let r = this.rows.get(key);
    if (!r)
      this.rows.set(
        key,
        (r = sparseFeatures(this.problem.space.encode(arch), pairWindow(this.problem.space.encodingLength))),
      );
    return r;
  }

  private fit(history: readonly Evaluated<A>[], value: (e: Evaluated<A>) => number | null): RidgeModel {
    const rows: SparseRow[] = [];
    const y: number[] = [];
    for (const e of history) {
      const v = value(e);
      if (v === null || !Number.isFinite(v)) continue;
      rows.push(this.row(e.arch, e.key));
      y.push(v);
    }
    const L = this.problem.space.encodingLength;
    const entries = rows.reduce((s, r) => s + r.idx.length + 1, 0);
    const iterations = Math.max(20, Math.min(100, Math.floor(FIT_WORK / (2 * entries))));
    return RidgeModel.fit(rows, y, LAMBDA, L + L * L, iterations);
  }

  /**
   * Models fit on a prefix of the history whose length is on a grid 1/16 of an octave apart, so a run
   * refits about 16 times per doubling of its evaluations instead of at every (often tiny) round. The
   * prefix length depends only on the history length: a restored search refits exactly the same models.
   */
  private modelsFor(history: readonly Evaluated<A>[]) {
    const n = history.length;
    const size = n - (n % Math.max(1, 2 ** Math.floor(Math.log2(n)) / 16));
    if (this.models?.size !== size) {
      const used = history.slice(0, size);
      const objective = this.problem.objectives[0];
      const goals = used.map((e) => goalValue(e.metrics, objective)).filter(Number.isFinite);
      // The floor keeps the model's capacity on the range that matters: a broken arch (a cell with no
      // path, 1% accuracy) is just "bad", and its exact value would otherwise dominate the squared loss.
      const floor = goals.length ? quantile(goals, 0.25) : 0;
      this.models = {
        size,
        objective: this.fit(used, (e) => Math.max(floor, goalValue(e.metrics, objective))),
        constraints: this.problem.constraints.map((c) => this.fit(used, (e) => e.metrics[c.metric] ?? null)),
      };
    }
    return this.models;
  }

  /** Up to `count` new archs, best acquisition first; each is recorded in `novelty`. */
  pick(history: readonly Evaluated<A>[], count: number, novelty: NoveltyFilter<A>, rng: Rng): A[] {
    if (count <= 0 || history.length === 0) return [];
    const objective = this.problem.objectives[0];
    const goals = history.map((e) => goalValue(e.metrics, objective)).filter(Number.isFinite);
    if (goals.length === 0) return [];
    const { objective: objectiveModel, constraints } = this.modelsFor(history);
    const constraintModels = this.problem.constraints.map((c, i) => ({ c, model: constraints[i] }));
    const feasible = history.filter((e) => e.violation === 0);
    const best = feasible.length
      ? goalValue(rankForObjective(feasible, this.problem.objectives)[0].metrics, objective)
      : Math.max(...goals);
    const sigma = Math.max(objectiveModel.rmse * SIGMA_INFLATION, 1e-9);

    const score = (r: SparseRow): number => {
      let pf = 1;
      for (const { c, model } of constraintModels) {
        const mu = model.predict(r);
        const s = Math.max(model.rmse * SIGMA_INFLATION, 1e-9 * (Math.abs(mu) + 1));
        if (c.max !== undefined) pf *= normalCdf((c.max - mu) / s);
        if (c.min !== undefined) pf *= normalCdf((mu - c.min) / s);
      }
      return pf * expectedImprovement(objectiveModel.predict(r), sigma, best);
    };

    // Keep the `count` best seen so far (count is a batch, far smaller than the pool): no full sort.
    const top: { arch: A; key: string; s: number }[] = [];
    const better = (a: { key: string; s: number }, b: { key: string; s: number }) =>
      a.s > b.s || (a.s === b.s && a.key < b.key);
    for (const x of this.pool(history, novelty, rng)) {
      const c = { arch: x.arch, key: x.key, s: score(x.row) };
      if (top.length === count && !better(c, top[count - 1])) continue;
      let i = Math.min(top.length, count - 1);
      top[i] = c;
      for (; i > 0 && better(top[i], top[i - 1]); i--) [top[i], top[i - 1]] = [top[i - 1], top[i]];
    }
    return top.map((x) => novelty.take(x.arch));
  }

  /** The whole unevaluated space when it is small, else mutants and crossovers of the best feasible archs. */
  private pool(
    history: readonly Evaluated<A>[],
    novelty: NoveltyFilter<A>,
    rng: Rng,
  ): { arch: A; key: string; row: SparseRow }[] {
    const { space } = this.problem;
    const all = enumerated(space);
    if (all) {
      const out: { arch: A; key: string; row: SparseRow }[] = [];
      all.keys.forEach((key, i) => {
        if (novelty.isNew(key)) out.push({ arch: all.archs[i], key, row: all.rows[i] });
      });
      return out;
    }
    const elite = rankForObjective(history, this.problem.objectives).slice(0, 8);
    const p = this.options.mutationProbability;
    const seen = new Set<string>();
    const out: { arch: A; key: string; row: SparseRow }[] = [];
    for (let t = 0; t < this.options.poolSize * 2 && out.length < this.options.poolSize; t++) {
      const a = rng.pick(elite).arch;
      // Mix step sizes: 1–2 gene moves refine the incumbent, larger ones jump between basins.
      const scale = 2 ** rng.int(3);
      const arch =
        elite.length > 1 && rng.bool(0.3)
          ? space.mutate(space.crossover(a, rng.pick(elite).arch, rng), rng, p)
          : space.mutate(a, rng, Math.min(1, p * scale));
      const key = space.canonical(arch);
      if (seen.has(key) || !novelty.isNew(key)) continue;
      seen.add(key);
      // Not cached: most pool candidates are never evaluated, and the cache would grow by a pool per ask.
      out.push({ arch, key, row: sparseFeatures(space.encode(arch), pairWindow(space.encodingLength)) });
    }
    return out;
  }
}

function quantile(values: readonly number[], q: number): number {
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
