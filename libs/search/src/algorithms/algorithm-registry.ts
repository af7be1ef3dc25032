import { invalid, showValue, type Rng } from '@tailor/common';
import type { AlgorithmName, SearchAlgorithm, SearchProblem } from '../types';
import { optionDefaults, type OptionSpec } from './algorithm-options';
import { ConstrainedEvolution, EVOLUTION_OPTIONS } from './evolution.algorithm';
import { NSGA2_OPTIONS, Nsga2 } from './nsga2.algorithm';
import { OFA_EVOLUTION_OPTIONS, OfaEvolution } from './ofa-evolution.algorithm';
import { RANDOM_OPTIONS, RandomSearch } from './random.algorithm';
import { REGULARIZED_EVOLUTION_OPTIONS, RegularizedEvolution } from './regularized-evolution.algorithm';

export interface AlgorithmInfo {
  readonly name: AlgorithmName;
  readonly description: string;
  /** Option name → default value. */
  readonly defaults: Readonly<Record<string, number>>;
  /** Option name → type, bounds and meaning (for API docs). */
  readonly options: Readonly<Record<string, OptionSpec>>;
}

type Known = ((key: string) => boolean) | undefined;
interface Factory {
  create<A>(problem: SearchProblem<A>, rng: Rng, options: unknown, known: Known): SearchAlgorithm<A>;
  restore<A>(problem: SearchProblem<A>, state: unknown, known: Known): SearchAlgorithm<A>;
}

const FACTORIES: Record<AlgorithmName, Factory> = {
  random: {
    create: (problem, rng, options, known) => RandomSearch.create({ problem, rng, known }, options),
    restore: (problem, state, known) => RandomSearch.restore(problem, state, known),
  },
  evolution: {
    create: (problem, rng, options, known) => ConstrainedEvolution.create({ problem, rng, known }, options),
    restore: (problem, state, known) => ConstrainedEvolution.restore(problem, state, known),
  },
  'regularized-evolution': {
    create: (problem, rng, options, known) => RegularizedEvolution.create({ problem, rng, known }, options),
    restore: (problem, state, known) => RegularizedEvolution.restore(problem, state, known),
  },
  nsga2: {
    create: (problem, rng, options, known) => Nsga2.create({ problem, rng, known }, options),
    restore: (problem, state, known) => Nsga2.restore(problem, state, known),
  },
  ofa: {
    create: (problem, rng, options, known) => OfaEvolution.create({ problem, rng, known }, options),
    restore: (problem, state, known) => OfaEvolution.restore(problem, state, known),
  },
};

const info = (
  name: AlgorithmName,
  description: string,
  options: Readonly<Record<string, OptionSpec>>,
): AlgorithmInfo => ({ name, description, defaults: optionDefaults(options), options });

export const ALGORITHMS: readonly AlgorithmInfo[] = [
  info(
    'evolution',
    'Surrogate-assisted constrained evolution (Once-for-All / HAT style): generations of feasible candidates ' +
      'only, elite parents, mutation and crossover, most children picked by a ridge-regression surrogate of ' +
      'the objective and the constrained metrics. The default; best for single-objective search under ' +
      'hardware constraints.',
    EVOLUTION_OPTIONS,
  ),
  info(
    'regularized-evolution',
    'Aging evolution (Real et al. 2019): tournament selection, one mutated child per parent, oldest member removed.',
    REGULARIZED_EVOLUTION_OPTIONS,
  ),
  info(
    'nsga2',
    'NSGA-II with constraint domination: for several objectives at once (e.g. accuracy vs latency trade-offs).',
    NSGA2_OPTIONS,
  ),
  info(
    'ofa',
    "Once-for-all's evolution finder (population 100, 500 generations, 25 % parents, half the population " +
      'from mutation at p = 0.1, the rest from crossover; only constraint-satisfying candidates enter). For ' +
      'elastic spaces with a supernet: accuracy:fashion-mnist comes from its accuracy predictor. It stops ' +
      'instead of looping when no candidate meets the constraints.',
    OFA_EVOLUTION_OPTIONS,
  ),
  info('random', 'Uniform random sampling without replacement: the baseline.', RANDOM_OPTIONS),
];

export const ALGORITHM_NAMES: readonly AlgorithmName[] = ALGORITHMS.map((a) => a.name);

export function isAlgorithmName(value: unknown): value is AlgorithmName {
  return typeof value === 'string' && (ALGORITHM_NAMES as readonly string[]).includes(value);
}

function factory(name: unknown, field: string): Factory {
  if (!isAlgorithmName(name)) {
    throw invalid(field, `must be one of ${ALGORITHM_NAMES.join(', ')}, got ${showValue(name)}`);
  }
  return FACTORIES[name];
}

/** A fresh algorithm; `options` are validated (errors name `options.<option>`). */
export function createAlgorithm<A>(
  name: AlgorithmName,
  problem: SearchProblem<A>,
  rng: Rng,
  options?: unknown,
  known?: (key: string) => boolean,
): SearchAlgorithm<A> {
  return factory(name, 'algorithm').create(problem, rng, options, known);
}

/** Rebuilds an algorithm from `state()`; `known` should answer as it did when the state was taken. */
export function restoreAlgorithm<A>(
  name: AlgorithmName,
  problem: SearchProblem<A>,
  state: unknown,
  known?: (key: string) => boolean,
): SearchAlgorithm<A> {
  return factory(name, 'algorithm').restore(problem, state, known);
}
