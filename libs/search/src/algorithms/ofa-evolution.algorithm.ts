import { Rng } from '@tailor/common';
import { rankCompare } from '../ranking';
import type { AlgorithmContext, Evaluated, SearchAlgorithm, SearchProblem } from '../types';
import { type OptionSpecs, readOptions } from './algorithm-options';
import {
  NoveltyFilter,
  type StateEnvelope,
  type StoredCandidate,
  checkEnvelope,
  checkTell,
  loadCandidate,
  storeCandidate,
} from './algorithm-support';

export interface OfaEvolutionOptions extends Record<string, number> {
  populationSize: number;
  generations: number;
  parentRatio: number;
  mutationRatio: number;
  mutateProbability: number;
  infeasibleRounds: number;
}

/** OFA's EvolutionFinder defaults (once-for-all, ofa/nas/search_algorithm/evolution.py). */
export const OFA_EVOLUTION_OPTIONS: OptionSpecs<OfaEvolutionOptions> = {
  populationSize: {
    type: 'integer',
    default: 100,
    min: 4,
    max: 10_000,
    description: 'Population size (OFA: 100).',
  },
  generations: {
    type: 'integer',
    default: 500,
    min: 1,
    max: 100_000,
    description: 'Generations after the initial population (OFA: 500).',
  },
  parentRatio: {
    type: 'number',
    default: 0.25,
    min: 0,
    max: 1,
    minExclusive: true,
    description: 'Share of the population kept as parents (OFA: 0.25).',
  },
  mutationRatio: {
    type: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    description:
      'Share of the population made by mutation; the rest of the children come from crossover (OFA: 0.5).',
  },
  mutateProbability: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    minExclusive: true,
    description: 'Per-gene resampling probability of a mutation (OFA: 0.1).',
  },
  infeasibleRounds: {
    type: 'integer',
    default: 20,
    min: 1,
    max: 10_000,
    description:
      'OFA resamples until a candidate meets the constraints, forever when none can: after this many rounds ' +
      'with no feasible initial candidate (or no feasible child) the finder stops instead.',
  },
};

type Kind = 'init' | 'mutate' | 'crossover';

interface OfaEvolutionState extends StateEnvelope<OfaEvolutionOptions> {
  readonly evolving: boolean;
  readonly population: StoredCandidate[];
  readonly mutants: StoredCandidate[];
  readonly crossovers: StoredCandidate[];
  readonly generation: number;
  readonly fruitless: number;
  readonly stopped: 'done' | 'infeasible' | null;
  readonly asked: string[];
  readonly kinds: Kind[];
}

/**
 * OFA's evolution finder under ask/tell: a population of feasible subnets only; each generation keeps the
 * best `parentRatio` as parents and refills with mutants and crossovers of random parents, each redrawn
 * until it meets the constraints (here: infeasible children are dropped and asked for again next round).
 * Unlike OFA it never loops forever: `infeasibleRounds` rounds in a row without a feasible candidate end
 * the initial sampling (`stopped: 'infeasible'` when nothing was feasible) or the generation.
 */
export class OfaEvolution<A> implements SearchAlgorithm<A> {
  readonly name = 'ofa' as const;
  private evolving = false;
  private population: Evaluated<A>[] = [];
  private mutants: Evaluated<A>[] = [];
  private crossovers: Evaluated<A>[] = [];
  private generation = 0;
  private fruitless = 0;
  private stopped: 'done' | 'infeasible' | null = null;
  private asked: string[] = [];
  private kinds: Kind[] = [];

  private constructor(
    private readonly problem: SearchProblem<A>,
    private readonly rng: Rng,
    readonly options: OfaEvolutionOptions,
    private readonly known?: (key: string) => boolean,
  ) {}

  static create<A>(ctx: AlgorithmContext<A>, options?: unknown): OfaEvolution<A> {
    return new OfaEvolution(ctx.problem, ctx.rng, readOptions(OFA_EVOLUTION_OPTIONS, options), ctx.known);
  }

  static restore<A>(
    problem: SearchProblem<A>,
    state: unknown,
    known?: (key: string) => boolean,
  ): OfaEvolution<A> {
    const s = checkEnvelope<OfaEvolutionOptions>('ofa', state) as OfaEvolutionState;
    const algo = new OfaEvolution(
      problem,
      Rng.fromState(s.rng),
      readOptions(OFA_EVOLUTION_OPTIONS, s.options),
      known,
    );
    const load = (xs: StoredCandidate[]): Evaluated<A>[] => xs.map((x) => loadCandidate(problem, x));
    algo.evolving = s.evolving;
    algo.population = load(s.population);
    algo.mutants = load(s.mutants);
    algo.crossovers = load(s.crossovers);
    algo.generation = s.generation;
    algo.fruitless = s.fruitless;
    algo.stopped = s.stopped;
    algo.asked = s.asked.slice();
    algo.kinds = s.kinds.slice();
    return algo;
  }

  /** Why the finder stopped, if it did ('infeasible': no candidate met the constraints). */
  get stopReason(): 'done' | 'infeasible' | null {
    return this.stopped;
  }

  private get parentCount(): number {
    return Math.max(1, Math.round(this.options.parentRatio * this.options.populationSize));
  }

  private get mutantCount(): number {
    const room = this.options.populationSize - this.parentCount;
    return Math.min(room, Math.round(this.options.mutationRatio * this.options.populationSize));
  }

  ask(): A[] {
    const novelty = new NoveltyFilter(this.problem, this.known);
    const out: A[] = [];
    const kinds: Kind[] = [];
    const push = (arch: A | undefined, kind: Kind): void => {
      if (arch === undefined) return;
      out.push(arch);
      kinds.push(kind);
    };
    const { populationSize, mutateProbability } = this.options;
    if (this.stopped === null && !this.evolving) {
      // A whole population's worth each round, whatever is still missing: when few archs are feasible,
      // asking only for the gap would take many rounds per feasible sample.
      for (let i = 0; i < populationSize; i++) push(novelty.sample(this.rng), 'init');
    } else if (this.stopped === null) {
      const parents = this.population;
      for (let i = this.mutants.length; i < this.mutantCount; i++) {
        push(novelty.mutant(this.rng.pick(parents).arch, this.rng, mutateProbability), 'mutate');
      }
      const crossovers = populationSize - this.parentCount - this.mutantCount;
      for (let i = this.crossovers.length; i < crossovers; i++) {
        const [a, b] = [this.rng.pick(parents), this.rng.pick(parents)];
        push(
          novelty.firstNew(() => this.problem.space.crossover(a.arch, b.arch, this.rng), 16),
          'crossover',
        );
      }
    }
    this.asked = out.map((a) => this.problem.space.canonical(a));
    this.kinds = kinds;
    return out;
  }

  tell(results: readonly Evaluated<A>[]): void {
    checkTell(this.asked, results);
    const kinds = this.kinds;
    this.asked = [];
    this.kinds = [];
    if (this.stopped !== null) return;
    const feasible = results.filter((r) => r.violation === 0);
    this.fruitless = feasible.length === 0 ? this.fruitless + 1 : 0;
    const givingUp = this.fruitless >= this.options.infeasibleRounds;
    if (!this.evolving) {
      this.population.push(...feasible.slice(0, this.options.populationSize - this.population.length));
      if (givingUp && this.population.length === 0) this.stopped = 'infeasible';
      else if (givingUp || this.population.length === this.options.populationSize) this.startGeneration();
      return;
    }
    results.forEach((r, i) => {
      if (r.violation === 0) (kinds[i] === 'mutate' ? this.mutants : this.crossovers).push(r);
    });
    const children = this.mutants.length + this.crossovers.length;
    if (children >= this.options.populationSize - this.parentCount || givingUp) this.endGeneration();
  }

  /** Parents: the best `parentRatio` of the population (OFA sorts by predicted accuracy). */
  private startGeneration(): void {
    this.evolving = true;
    this.population.sort((a, b) => rankCompare(a, b, this.problem.objectives));
    this.population = this.population.slice(0, this.parentCount);
    this.mutants = [];
    this.crossovers = [];
    this.fruitless = 0;
  }

  private endGeneration(): void {
    this.population = [...this.population, ...this.mutants, ...this.crossovers];
    this.generation++;
    if (this.generation < this.options.generations) return this.startGeneration();
    this.stopped = 'done';
    this.population.sort((a, b) => rankCompare(a, b, this.problem.objectives));
  }

  state(): OfaEvolutionState {
    return {
      algorithm: this.name,
      version: 1,
      options: this.options,
      rng: this.rng.state(),
      evolving: this.evolving,
      population: this.population.map(storeCandidate),
      mutants: this.mutants.map(storeCandidate),
      crossovers: this.crossovers.map(storeCandidate),
      generation: this.generation,
      fruitless: this.fruitless,
      stopped: this.stopped,
      asked: this.asked,
      kinds: this.kinds,
    };
  }
}
