import { Rng } from '@tailor/common';
import type { AlgorithmContext, Evaluated, SearchAlgorithm, SearchProblem } from '../types';
import { readOptions, type OptionSpecs } from './algorithm-options';
import { NoveltyFilter, checkEnvelope, checkTell, type StateEnvelope } from './algorithm-support';

export interface RandomOptions extends Record<string, number> {
  batchSize: number;
}

export const RANDOM_OPTIONS: OptionSpecs<RandomOptions> = {
  batchSize: {
    type: 'integer',
    default: 20,
    min: 1,
    max: 10_000,
    description: 'Samples proposed per round.',
  },
};

interface RandomState extends StateEnvelope<RandomOptions> {
  readonly asked: string[];
}

/** Uniform random sampling without replacement (known archs are skipped): the baseline. */
export class RandomSearch<A> implements SearchAlgorithm<A> {
  readonly name = 'random' as const;
  private asked: string[] = [];

  private constructor(
    private readonly problem: SearchProblem<A>,
    private readonly rng: Rng,
    readonly options: RandomOptions,
    private readonly known?: (key: string) => boolean,
  ) {}

  static create<A>(ctx: AlgorithmContext<A>, options?: unknown): RandomSearch<A> {
    return new RandomSearch(ctx.problem, ctx.rng, readOptions(RANDOM_OPTIONS, options), ctx.known);
  }

  static restore<A>(
    problem: SearchProblem<A>,
    state: unknown,
    known?: (key: string) => boolean,
  ): RandomSearch<A> {
    const s = checkEnvelope<RandomOptions>('random', state) as RandomState;
    const algo = new RandomSearch(
      problem,
      Rng.fromState(s.rng),
      readOptions(RANDOM_OPTIONS, s.options),
      known,
    );
    algo.asked = s.asked.slice();
    return algo;
  }

  ask(): A[] {
    const novelty = new NoveltyFilter(this.problem, this.known);
    const out: A[] = [];
    for (let i = 0; i < this.options.batchSize; i++) {
      const arch = novelty.sample(this.rng);
      if (arch === undefined) break;
      out.push(arch);
    }
    this.asked = out.map((a) => this.problem.space.canonical(a));
    return out;
  }

  tell(results: readonly Evaluated<A>[]): void {
    checkTell(this.asked, results);
    this.asked = [];
  }

  state(): RandomState {
    return {
      algorithm: this.name,
      version: 1,
      options: this.options,
      rng: this.rng.state(),
      asked: this.asked,
    };
  }
}
