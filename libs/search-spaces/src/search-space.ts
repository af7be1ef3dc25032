import type { Rng } from '@tailor/common';

/**
 * One design space. `A` is the space's structured architecture (plain readonly JSON data);
 * every arch also has a canonical string, its identity everywhere (tables, caches, the database, REST).
 *
 * Units: `flops` is in millions of multiply-accumulates (the convention NAS-Bench-201 and OFA call
 * "MFLOPs"); `params` is in millions of parameters. Both are analytic (no model is built).
 */
export interface SearchSpace<A = unknown> {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Input the networks of this space take, e.g. [32, 32, 3] (HWC); for elastic resolution, the largest. */
  readonly inputShape: readonly number[];
  /** The validated JSON definition loaded from `search-spaces/<id>.json`. */
  readonly definition: Readonly<Record<string, unknown>>;

  /** Exact number of distinct (canonical) architectures. */
  cardinality(): bigint;
  /** True when `enumerate()` is allowed (cardinality ≤ 10^6). */
  readonly enumerable: boolean;
  /** Every arch once, in the space's index order (NAS-Bench-201: the benchmark's official order). */
  enumerate(): Iterable<A>;

  /**
   * Parses user or file input — the canonical string or the structured JSON form — into an arch.
   * Throws TailorError('INVALID_ARGUMENT') whose field is `field` (plus a sub-path) and whose message
   * names the bad value.
   */
  parse(input: unknown, field?: string): A;
  /** Non-throwing variant of `parse`. */
  validate(input: unknown): { ok: true; arch: A } | { ok: false; field: string; message: string };
  /** Canonical string: equal for archs that build the same network (inactive layers masked). */
  canonical(arch: A): string;
  /** The structured JSON form returned by the API. */
  toJSON(arch: A): unknown;

  sample(rng: Rng): A;
  /** Each gene is resampled with probability `probability`; the result is always valid. */
  mutate(arch: A, rng: Rng, probability: number): A;
  /** Uniform crossover of two parents; the result is always valid. */
  crossover(a: A, b: A, rng: Rng): A;

  flops(arch: A): number;
  params(arch: A): number;

  /** Fixed-length numeric encoding for predictors; `encodingLength` long. */
  encode(arch: A): number[];
  readonly encodingLength: number;
  /** Human-readable name of each encoding dimension (same length as the encoding). */
  encodingNames(): string[];
}

/** Summary shown by `GET /search-spaces`. */
export interface SearchSpaceSummary {
  id: string;
  name: string;
  description: string;
  cardinality: string;
  enumerable: boolean;
  inputShape: readonly number[];
  encodingLength: number;
}

export function summarize(space: SearchSpace): SearchSpaceSummary {
  return {
    id: space.id,
    name: space.name,
    description: space.description,
    cardinality: space.cardinality().toString(),
    enumerable: space.enumerable,
    inputShape: space.inputShape,
    encodingLength: space.encodingLength,
  };
}
