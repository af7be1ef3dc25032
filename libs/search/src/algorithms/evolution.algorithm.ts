import { Rng } from '@tailor/common';
import { rankForObjective } from '../ranking';
import type { AlgorithmContext, Evaluated, SearchAlgorithm, SearchProblem } from '../types';
import { readOptions, type OptionSpecs } from './algorithm-options';
import {
  NoveltyFilter,
  checkEnvelope,
  checkTell,
  loadCandidate,
  storeCandidate,
  type StateEnvelope,
  type StoredCandidate,
} from './algorithm-support';
import { SurrogatePicker } from './surrogate-picker';

export interface EvolutionOptions extends Record<string, number> {
  populationSize: number;
  parentRatio: number;
  mutationRatio: number;
  mutationProbability: number;
  attemptFactor: number;
  surrogatePool: number;
  explorationRatio: number;
}

// Defaults tuned on NAS-Bench-201 (15,625 archs) with 300–1000 evaluations: a small population gives
// many generations, and the elite (parents) carries over, so the search climbs fast and never loses its best.
export const EVOLUTION_OPTIONS: OptionSpecs<EvolutionOptions> = {
  populationSize: {
    type: 'integer',
    default: 16,
    min: 2,
    max: 10_000,
    description: 'Candidates per generation, parents included.',
  },
  parentRatio: {
    type: 'number',
    default: 0.25,
    min: 0,
    max: 1,
    minExclusive: true,
    description: 'Share of the population kept as parents (the elite) for the next generation.',
  },
  mutationRatio: {
    type: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    description: 'Share of the population made by mutating a parent; crossover makes the rest.',
  },
  mutationProbability: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    minExclusive: true,
    description:
      'Per-gene resampling probability of a mutation (raised automatically when nothing new results).',
  },
  attemptFactor: {
    type: 'number',
    default: 4,
    min: 1,
    max: 1000,
    description:
      'A generation may evaluate at most attemptFactor × populationSize candidates while looking for ' +
      'feasible children; past that it is completed with the least-violating infeasible ones.',
  },
  surrogatePool: {
    type: 'integer',
    default: 1000,
    min: 0,
    max: 100_000,
    description:
      'Candidates a surrogate model (ridge regression on the arch encoding and its pairwise products, ' +
      'one model per objective and constrained metric, refit on every evaluation so far) ranks per ' +
      'round; small spaces are ranked whole instead. 0 turns the surrogate off (plain evolution).',
  },
  explorationRatio: {
    type: 'number',
    default: 0.25,
    min: 0,
    max: 1,
    description:
      'Share of the children made by plain mutation/crossover rather than picked by the surrogate, ' +
      'so the search keeps sampling where the model is wrong.',
  },
};

type Origin = 's' | 'm' | 'c'; // sample, mutation, crossover

interface EvolutionState extends StateEnvelope<EvolutionOptions> {
  readonly generation: number;
  readonly parents: StoredCandidate[];
  readonly accepted: StoredCandidate[];
  readonly acceptedMutations: number;
  readonly reserve: StoredCandidate[];
  readonly attempts: number;
  readonly asked: { k: string; o: Origin }[];
  /** Every evaluated candidate in tell order: the surrogate is refit from it. */
  readonly history: StoredCandidate[];
}

/**
 * Surrogate-assisted constrained evolution. Without the surrogate (`surrogatePool: 0`) it is plain
 * constrained evolution; with it (the default), most children are the candidates a ridge model fit on
 * every evaluation so far rates best (see `SurrogatePicker`): on NAS-Bench-201 plain evolution stalls in
 * one of many local optima, and the model lets it jump to the basins it has not climbed yet.
 *
 * Constrained evolution in the style of Once-for-All / HAT: every generation is made of FEASIBLE
 * candidates only. Parents are the best `parentRatio` of the previous population (elitism); children
 * come from mutation (`mutationRatio`) and crossover (the rest). An infeasible child is discarded and its
 * slot is asked for again, so a generation may take several rounds. OFA checks feasibility with a cheap
 * predictor; here it costs an evaluation, hence the cap `attemptFactor × populationSize` per generation:
 * when it is hit the generation is completed with the least-violating infeasible candidates, so the
 * search keeps moving towards feasibility instead of stalling on a constraint it cannot meet.
 */
export class ConstrainedEvolution<A> implements SearchAlgorithm<A> {
  readonly name = 'evolution' as const;
  private generation = 0;
  private parents: Evaluated<A>[] = [];
  private accepted: Evaluated<A>[] = [];
  private acceptedMutations = 0;
  private reserve: Evaluated<A>[] = [];
  private attempts = 0;
  private asked: { k: string; o: Origin }[] = [];
  private history: Evaluated<A>[] = [];
  private readonly picker: SurrogatePicker<A>;

  private constructor(
    private readonly problem: SearchProblem<A>,
    private readonly rng: Rng,
    readonly options: EvolutionOptions,
    private readonly known?: (key: string) => boolean,
  ) {
    this.picker = new SurrogatePicker(problem, {
      poolSize: options.surrogatePool,
      mutationProbability: options.mutationProbability,
    });
  }

  static create<A>(ctx: AlgorithmContext<A>, options?: unknown): ConstrainedEvolution<A> {
    return new ConstrainedEvolution(ctx.problem, ctx.rng, readOptions(EVOLUTION_OPTIONS, options), ctx.known);
  }

  static restore<A>(
    problem: SearchProblem<A>,
    state: unknown,
    known?: (key: string) => boolean,
  ): ConstrainedEvolution<A> {
    const s = checkEnvelope<EvolutionOptions>('evolution', state) as EvolutionState;
    const opts = readOptions(EVOLUTION_OPTIONS, s.options);
    const algo = new ConstrainedEvolution(problem, Rng.fromState(s.rng), opts, known);
    const load = (xs: StoredCandidate[]) => xs.map((x) => loadCandidate(problem, x));
    algo.generation = s.generation;
    algo.parents = load(s.parents);
    algo.accepted = load(s.accepted);
    algo.acceptedMutations = s.acceptedMutations;
    algo.reserve = load(s.reserve);
    algo.attempts = s.attempts;
    algo.asked = s.asked.map((x) => ({ ...x }));
    algo.history = load(s.history);
    return algo;
  }

  private get parentCount(): number {
    const { populationSize, parentRatio } = this.options;
    return Math.min(populationSize - 1, Math.max(1, Math.round(parentRatio * populationSize)));
  }

  /** Children per generation: the initial population is all samples, later ones exclude the parents. */
  private get slots(): { mutation: number; crossover: number; sample: number } {
    const { populationSize, mutationRatio } = this.options;
    if (this.generation === 0) return { mutation: 0, crossover: 0, sample: populationSize };
    const children = populationSize - this.parentCount;
    const mutation = Math.min(children, Math.round(mutationRatio * populationSize));
    return { mutation, crossover: children - mutation, sample: 0 };
  }

  ask(): A[] {
    const { mutation, crossover, sample } = this.slots;
    const acceptedCrossovers = this.accepted.length - this.acceptedMutations;
    const wanted: Origin[] = [
      ...new Array<Origin>(Math.max(0, sample - this.accepted.length)).fill('s'),
      ...new Array<Origin>(Math.max(0, mutation - this.acceptedMutations)).fill('m'),
      ...new Array<Origin>(Math.max(0, crossover - acceptedCrossovers)).fill('c'),
    ];
    const novelty = new NoveltyFilter(this.problem, this.known);
    const out: A[] = [];
    this.asked = [];
    // Children slots (not the initial samples) go to the surrogate's best picks, except an exploration share.
    const children = wanted.filter((o) => o !== 's').length;
    const modelled =
      this.options.surrogatePool > 0 ? Math.round((1 - this.options.explorationRatio) * children) : 0;
    const picks = this.picker.pick(this.history, modelled, novelty, this.rng);
    for (const [n, origin] of wanted.entries()) {
      const arch =
        (origin !== 's' ? picks[n - (wanted.length - children)] : undefined) ??
        this.child(origin, novelty) ??
        novelty.sample(this.rng);
      if (arch === undefined) break; // nothing new left to propose
      out.push(arch);
      this.asked.push({ k: this.problem.space.canonical(arch), o: origin });
    }
    return out;
  }

  private child(origin: Origin, novelty: NoveltyFilter<A>): A | undefined {
    const { space } = this.problem;
    const p = this.options.mutationProbability;
    if (origin === 's' || this.parents.length === 0) return novelty.sample(this.rng);
    if (origin === 'm' || this.parents.length === 1)
      return novelty.mutant(this.rng.pick(this.parents).arch, this.rng, p);
    const [i, j] = this.rng.sampleIndices(this.parents.length, 2);
    const a = this.parents[i].arch;
    const b = this.parents[j].arch;
    // Parents that agree on most genes often cross into one of themselves: then mutate the offspring.
    return novelty.firstNew((t) => {
      const x = space.crossover(a, b, this.rng);
      return t < 8 ? x : space.mutate(x, this.rng, Math.min(1, p * 2 ** Math.floor((t - 8) / 8)));
    }, 32);
  }

  tell(results: readonly Evaluated<A>[]): void {
    checkTell(
      this.asked.map((x) => x.k),
      results,
    );
    results.forEach((r, i) => {
      this.attempts++;
      this.history.push(r);
      if (r.violation === 0) {
        this.accepted.push(r);
        if (this.asked[i].o === 'm') this.acceptedMutations++;
      } else {
        this.reserve.push(r);
      }
    });
    this.asked = [];
    const { mutation, crossover, sample } = this.slots;
    const full = this.accepted.length >= mutation + crossover + sample;
    const capped = this.attempts >= this.options.attemptFactor * this.options.populationSize;
    if (full || capped) this.endGeneration(mutation + crossover + sample);
  }

  private endGeneration(children: number): void {
    const { objectives } = this.problem;
    const missing = children - this.accepted.length;
    const filler = missing > 0 ? rankForObjective(this.reserve, objectives).slice(0, missing) : [];
    const seen = new Set<string>();
    const pool = [...this.parents, ...this.accepted, ...filler].filter((x) =>
      seen.has(x.key) ? false : (seen.add(x.key), true),
    );
    this.parents = rankForObjective(pool, objectives).slice(0, this.parentCount);
    this.generation++;
    this.accepted = [];
    this.acceptedMutations = 0;
    this.reserve = [];
    this.attempts = 0;
  }

  state(): EvolutionState {
    return {
      algorithm: this.name,
      version: 1,
      options: this.options,
      rng: this.rng.state(),
      generation: this.generation,
      parents: this.parents.map(storeCandidate),
      accepted: this.accepted.map(storeCandidate),
      acceptedMutations: this.acceptedMutations,
      reserve: this.reserve.map(storeCandidate),
      attempts: this.attempts,
      asked: this.asked.map((x) => ({ ...x })),
      history: this.history.map(storeCandidate),
    };
  }
}
