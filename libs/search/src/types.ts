import type { Rng } from '@tailor/common';
import type { SearchSpace } from '@tailor/search-spaces';

/** What a search optimizes and under which limits. Metric names are opaque keys such as
 * `accuracy:cifar100`, `latency:pixel3`, `flops`, `params`; the engine maps them to evaluators. */
export interface Objective {
  readonly metric: string;
  readonly goal: 'min' | 'max';
}
export interface Constraint {
  readonly metric: string;
  readonly max?: number;
  readonly min?: number;
}
export interface SearchProblem<A = unknown> {
  readonly space: SearchSpace<A>;
  readonly objectives: readonly Objective[];
  readonly constraints: readonly Constraint[];
}

/**
 * An evaluated candidate. `metrics` holds every metric named by an objective or a constraint;
 * a metric is `null` when it could not be evaluated (e.g. an arch missing from a recorded latency
 * table), which makes the candidate infeasible.
 */
export interface Evaluated<A = unknown> {
  readonly arch: A;
  readonly key: string; // canonical string
  readonly metrics: Readonly<Record<string, number | null>>;
  /** 0 when every constraint holds; otherwise the sum of relative violations (Infinity if unknown). */
  readonly violation: number;
}

/** Ask/tell search algorithm. It never evaluates anything itself; its state is plain JSON. */
export interface SearchAlgorithm<A = unknown> {
  readonly name: AlgorithmName;
  /** Next batch of candidates to evaluate (a generation, or part of one). May repeat archs. */
  ask(): A[];
  /**
   * Results for the archs of the last `ask()`, in the same order. It may be a prefix of that batch:
   * a session whose budget runs out mid-batch tells only what it could evaluate.
   */
  tell(results: readonly Evaluated<A>[]): void;
  /** Serializable state (includes the RNG state) to resume from with `restoreAlgorithm`. */
  state(): unknown;
}

export type AlgorithmName = 'random' | 'evolution' | 'regularized-evolution' | 'nsga2' | 'ofa';

export interface AlgorithmContext<A> {
  readonly problem: SearchProblem<A>;
  readonly rng: Rng;
  /**
   * True when a canonical key has already been evaluated (the session's cache). Algorithms use it to
   * avoid proposing known archs, which would waste a round. It is not part of the algorithm's state:
   * a restored session rebuilds it from its records, so resumed runs see the same answers.
   */
  readonly known?: (key: string) => boolean;
}

/** One evaluation persisted by a session; `seq` counts evaluations from 1. */
export interface EvaluationRecord {
  readonly seq: number;
  readonly key: string;
  /** The space's `toJSON` form. */
  readonly arch: unknown;
  readonly metrics: Readonly<Record<string, number | null>>;
  /**
   * 0 when feasible; Infinity when a needed metric is null (JSON turns that into null). Informational:
   * `SearchSession.restore` recomputes it from `metrics`, the source of truth.
   */
  readonly violation: number | null;
  readonly feasible: boolean;
}
