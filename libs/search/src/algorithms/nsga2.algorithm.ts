import { Rng } from '@tailor/common';
import { crowdingDistance, nonDominatedSort } from '../ranking';
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

export interface Nsga2Options extends Record<string, number> {
  populationSize: number;
  crossoverProbability: number;
  mutationProbability: number;
}

export const NSGA2_OPTIONS: OptionSpecs<Nsga2Options> = {
  populationSize: {
    type: 'integer',
    default: 20,
    min: 2,
    max: 10_000,
    description: 'Population size; each generation proposes as many offspring.',
  },
  crossoverProbability: {
    type: 'number',
    default: 0.9,
    min: 0,
    max: 1,
    description: 'Probability that an offspring is a crossover of two tournament winners before mutation.',
  },
  mutationProbability: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    minExclusive: true,
    description: 'Per-gene resampling probability applied to every offspring.',
  },
};

interface Nsga2State extends StateEnvelope<Nsga2Options> {
  readonly population: StoredCandidate[];
  readonly asked: string[];
}

/**
 * NSGA-II (Deb et al. 2002) with constraint domination: binary tournaments on (front, crowding),
 * crossover + mutation, and (μ+λ) survival by non-dominated fronts then crowding distance.
 * With one objective it reduces to an elitist genetic algorithm with feasibility-first selection.
 */
export class Nsga2<A> implements SearchAlgorithm<A> {
  readonly name = 'nsga2' as const;
  private population: Evaluated<A>[] = [];
  private asked: string[] = [];

  private constructor(
    private readonly problem: SearchProblem<A>,
    private readonly rng: Rng,
    readonly options: Nsga2Options,
    private readonly known?: (key: string) => boolean,
  ) {}

  static create<A>(ctx: AlgorithmContext<A>, options?: unknown): Nsga2<A> {
    return new Nsga2(ctx.problem, ctx.rng, readOptions(NSGA2_OPTIONS, options), ctx.known);
  }

  static restore<A>(problem: SearchProblem<A>, state: unknown, known?: (key: string) => boolean): Nsga2<A> {
    const s = checkEnvelope<Nsga2Options>('nsga2', state) as Nsga2State;
    const algo = new Nsga2(problem, Rng.fromState(s.rng), readOptions(NSGA2_OPTIONS, s.options), known);
    algo.population = s.population.map((x) => loadCandidate(problem, x));
    algo.asked = s.asked.slice();
    return algo;
  }

  /** Front index and crowding distance of each population member. */
  private standing(): { front: number[]; crowding: number[] } {
    const { objectives } = this.problem;
    const front = new Array<number>(this.population.length).fill(0);
    const crowding = new Array<number>(this.population.length).fill(0);
    nonDominatedSort(this.population, objectives).forEach((members, f) => {
      const d = crowdingDistance(
        members.map((i) => this.population[i]),
        objectives,
      );
      members.forEach((i, k) => {
        front[i] = f;
        crowding[i] = d[k];
      });
    });
    return { front, crowding };
  }

  ask(): A[] {
    const { populationSize, crossoverProbability, mutationProbability } = this.options;
    const { space } = this.problem;
    const novelty = new NoveltyFilter(this.problem, this.known);
    const out: A[] = [];
    const filling = this.population.length < populationSize;
    const n = filling ? populationSize - this.population.length : populationSize;
    const { front, crowding } = filling ? { front: [], crowding: [] } : this.standing();
    const tournament = (): A => {
      const i = this.rng.int(this.population.length);
      const j = this.rng.int(this.population.length);
      const iWins = front[i] < front[j] || (front[i] === front[j] && crowding[i] >= crowding[j]);
      return this.population[iWins ? i : j].arch;
    };
    for (let k = 0; k < n; k++) {
      let arch: A | undefined;
      if (!filling) {
        arch = novelty.firstNew((t) => {
          const a = tournament();
          const base = this.rng.bool(crossoverProbability) ? space.crossover(a, tournament(), this.rng) : a;
          return space.mutate(base, this.rng, Math.min(1, mutationProbability * 2 ** Math.floor(t / 8)));
        }, 32);
      }
      arch ??= novelty.sample(this.rng);
      if (arch === undefined) break;
      out.push(arch);
    }
    this.asked = out.map((a) => space.canonical(a));
    return out;
  }

  tell(results: readonly Evaluated<A>[]): void {
    checkTell(this.asked, results);
    this.asked = [];
    const seen = new Set<string>();
    const merged = [...this.population, ...results].filter((x) =>
      seen.has(x.key) ? false : (seen.add(x.key), true),
    );
    if (merged.length <= this.options.populationSize) {
      this.population = merged;
      return;
    }
    const { objectives } = this.problem;
    const survivors: Evaluated<A>[] = [];
    for (const members of nonDominatedSort(merged, objectives)) {
      const room = this.options.populationSize - survivors.length;
      if (room <= 0) break;
      if (members.length <= room) {
        survivors.push(...members.map((i) => merged[i]));
        continue;
      }
      const d = crowdingDistance(
        members.map((i) => merged[i]),
        objectives,
      );
      const order = members.map((_, k) => k).sort((x, y) => d[y] - d[x] || x - y);
      survivors.push(...order.slice(0, room).map((k) => merged[members[k]]));
    }
    this.population = survivors;
  }

  state(): Nsga2State {
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
