export * from './types';
export * from './ranking';
export * from './algorithms/algorithm-options';
export * from './algorithms/algorithm-registry';
export {
  ConstrainedEvolution,
  EVOLUTION_OPTIONS,
  type EvolutionOptions,
} from './algorithms/evolution.algorithm';
export {
  RegularizedEvolution,
  REGULARIZED_EVOLUTION_OPTIONS,
  type RegularizedEvolutionOptions,
} from './algorithms/regularized-evolution.algorithm';
export { Nsga2, NSGA2_OPTIONS, type Nsga2Options } from './algorithms/nsga2.algorithm';
export { RandomSearch, RANDOM_OPTIONS, type RandomOptions } from './algorithms/random.algorithm';
export {
  OfaEvolution,
  OFA_EVOLUTION_OPTIONS,
  type OfaEvolutionOptions,
} from './algorithms/ofa-evolution.algorithm';
export * from './search-session';
export * from './search-plot';
export * from './bench/search-benchmark';
export * from './verified-selection';
