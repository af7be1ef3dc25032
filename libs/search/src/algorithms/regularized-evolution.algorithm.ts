import { Rng } from '@tailor/common';
import { rankCompare } from '../ranking';
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

export interface RegularizedEvolutionOptions extends Record<string, number> {
  populationSize: number;
  sampleSize: number;
  batchSize: number;
  mutationProbability: number;
}

export const REGULARIZED_EVOLUTION_OPTIONS: OptionSpecs<RegularizedEvolutionOptions> = {
  populationSize: {
    type: 'integer',
    default: 20,
    min: 2,
    max: 10_000,
    description: 'Size of the aging population (oldest removed first).',
  },
  sampleSize: {
    type: 'integer',
    default: 5,
    min: 1,
    max: 10_000,
    description: 'Tournament size S: the best of S random members becomes a parent.',
  },
  batchSize: {
    type: 'integer',
    default: 4,
    min: 1,
    max: 10_000,
    description: 'Children proposed per round (1 is the sequential algorithm of Real et al.).',
  },
  mutationProbability: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    minExclusive: true,
    description: 'Per-gene resampling probability; a child is redrawn until it differs from known archs.',
  },
};

interface RegularizedEvolutionState extends StateEnvelope<RegularizedEvolutionOptions> {
  readonly population: StoredCandidate[];
  readonly asked: string[];
}

/**
 * Regularized (aging) evolution, Real et al. 2019: tournament selection of a parent, one mutated child,
 * and the oldest member dies. Constraints enter through the ranking (feasible first, then smaller violation).
 */
export class RegularizedEvolution<A> implements SearchAlgorithm<A> {
  readonly name = 'regularized-evolution' as const;
  private population: Evaluated<A>[] = []; // oldest first
  private asked: string[] = [];

  private constructor(
    private readonly problem: SearchProblem<A>,
    private readonly rng: Rng,
    readonly options: RegularizedEvolutionOptions,
    private readonly known?: (key: string) => boolean,
  ) {}

  static create<A>(ctx: AlgorithmContext<A>, options?: unknown): RegularizedEvolution<A> {
    const opts = readOptions(REGULARIZED_EVOLUTION_OPTIONS, options);
    return new RegularizedEvolution(ctx.problem, ctx.rng, opts, ctx.known);
  }

  static restore<A>(
    problem: SearchProblem<A>,
    state: unknown,
    known?: (key: string) => boolean,
  ): RegularizedEvolution<A> {
    const s = checkEnvelope<RegularizedEvolutionOptions>(
      'regularized-evolution',
      state,
    ) as RegularizedEvolutionState;
    const opts = readOptions(REGULARIZED_EVOLUTION_OPTIONS, s.options);
    const algo = new RegularizedEvolution(problem, Rng.fromState(s.rng), opts, known);
    algo.population = s.population.map((x) => loadCandidate(problem, x));
    algo.asked = s.asked.slice();
    return algo;
  }

  ask(): A[] {
    const { populationSize, batchSize, sampleSize, mutationProbability } = this.options;
    const novelty = new NoveltyFilter(this.problem, this.known);
    const out: A[] = [];
    const filling = this.population.length < populationSize;
    const n = filling ? populationSize - this.population.length : batchSize;
    for (let i = 0; i < n; i++) {
      let arch: A | undefined;
      if (!filling) {
        const contenders = this.rng.sampleIndices(
          this.population.length,
          Math.min(sampleSize, this.population.length),
        );
        const parent = contenders
          .map((j) => this.population[j])
          .reduce((best, x) => (rankCompare(x, best, this.problem.objectives) < 0 ? x : best));
        arch = novelty.mutant(parent.arch, this.rng, mutationProbability);
      }
      arch ??= novelty.sample(this.rng);
      if (arch === undefined) break;
      out.push(arch);
    }
    this.asked = out.map((a) => this.problem.space.canonical(a));
    return out;
  }

  tell(results: readonly Evaluated<A>[]): void {
    checkTell(this.asked, results);
    this.asked = [];
    this.population.push(...results);
    const excess = this.population.length - this.options.populationSize;
    if (excess > 0) this.population.splice(0, excess);
  }

  state(): RegularizedEvolutionState {
    return {
      algorithm: this.name,
      version: 1,
      options: this.options,
      rng: this.rng.state(),
      population: this.population.map(storeCandidate),
      asked: this.asked,
    };
  }
}
