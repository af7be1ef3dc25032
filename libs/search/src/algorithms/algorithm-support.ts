import { Rng, TailorError, invalid, type RngState } from '@tailor/common';
import { violation } from '../ranking';
import type { AlgorithmName, Evaluated, SearchProblem } from '../types';

/** An evaluated candidate as stored in algorithm state: the arch itself is plain JSON data (see
 * `SearchSpace`), so it round-trips exactly and a resumed run mutates the very same values. */
export interface StoredCandidate {
  readonly a: unknown;
  readonly k: string;
  readonly m: Readonly<Record<string, number | null>>;
}

export const storeCandidate = <A>(e: Evaluated<A>): StoredCandidate => ({
  a: e.arch,
  k: e.key,
  m: e.metrics,
});

/** Violation is recomputed rather than stored because Infinity does not survive JSON. */
export function loadCandidate<A>(problem: SearchProblem<A>, s: StoredCandidate): Evaluated<A> {
  return { arch: s.a as A, key: s.k, metrics: s.m, violation: violation(problem.constraints, s.m) };
}

/** Envelope shared by every algorithm's state. */
export interface StateEnvelope<O> {
  readonly algorithm: AlgorithmName;
  readonly version: 1;
  readonly options: O;
  readonly rng: RngState;
}

export function checkEnvelope<O>(name: AlgorithmName, state: unknown): StateEnvelope<O> {
  const s = state as Partial<StateEnvelope<O>> | null;
  if (!s || typeof s !== 'object' || s.algorithm !== name || s.version !== 1 || !s.rng || !s.options) {
    throw invalid('state', `is not a version-1 ${name} state`);
  }
  return s as StateEnvelope<O>;
}

/**
 * Proposes archs that are new: not yet evaluated (per the session's `known`) and not already proposed
 * in this batch. Re-proposing a known arch costs nothing but a wasted slot, and with small budgets those
 * slots are what decides whether the optimum is found.
 */
export class NoveltyFilter<A> {
  private readonly batch = new Set<string>();

  constructor(
    private readonly problem: SearchProblem<A>,
    private readonly known: ((key: string) => boolean) | undefined,
    private readonly extra: ReadonlySet<string> = new Set(),
  ) {}

  isNew(key: string): boolean {
    return !this.batch.has(key) && !this.extra.has(key) && !(this.known?.(key) ?? false);
  }

  /** Records a proposal so later ones in the batch avoid it. */
  take(arch: A): A {
    this.batch.add(this.problem.space.canonical(arch));
    return arch;
  }

  /** First of `tries` candidates from `make` that is new; undefined when none is. */
  firstNew(make: (attempt: number) => A, tries: number): A | undefined {
    for (let t = 0; t < tries; t++) {
      const arch = make(t);
      if (this.isNew(this.problem.space.canonical(arch))) return this.take(arch);
    }
    return undefined;
  }

  /** A new random sample, or undefined when `tries` samples were all known (the space is nearly exhausted). */
  sample(rng: Rng, tries = 64): A | undefined {
    return this.firstNew(() => this.problem.space.sample(rng), tries);
  }

  /**
   * A new mutant of `parent`. The per-gene probability doubles every 8 failed tries: once a parent's
   * close neighbourhood has been evaluated, the search has to step further to find anything new.
   */
  mutant(parent: A, rng: Rng, probability: number, tries = 32): A | undefined {
    return this.firstNew(
      (t) => this.problem.space.mutate(parent, rng, Math.min(1, probability * 2 ** Math.floor(t / 8))),
      tries,
    );
  }
}

/** Checks a `tell` against the last `ask`: a prefix of it, same archs in the same order. */
export function checkTell<A>(asked: readonly string[], results: readonly Evaluated<A>[]): void {
  if (results.length > asked.length) {
    throw new TailorError('INTERNAL', `tell() got ${results.length} results for ${asked.length} asked archs`);
  }
  results.forEach((r, i) => {
    if (r.key !== asked[i])
      throw new TailorError('INTERNAL', `tell() result ${i} is ${r.key}, asked ${asked[i]}`);
  });
}
