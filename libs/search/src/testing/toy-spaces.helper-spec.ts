import { invalid, type Rng } from '@tailor/common';
import type { SearchSpace } from '@tailor/search-spaces';
import type { Constraint, Objective, SearchProblem } from '../types';

/** Test-only space: `genes` positions, each one of `choices` values (NAS-Bench-201 is 6 × 5). */
export class GridSpace implements SearchSpace<readonly number[]> {
  readonly id = 'grid';
  readonly name = 'Grid';
  readonly description = 'toy space for tests';
  readonly inputShape = [1];
  readonly definition = {};
  readonly enumerable = true;

  constructor(
    readonly genes: number,
    readonly choices: number,
  ) {}

  get encodingLength(): number {
    return this.genes;
  }
  cardinality(): bigint {
    return BigInt(this.choices) ** BigInt(this.genes);
  }
  *enumerate(): Iterable<readonly number[]> {
    const total = Number(this.cardinality());
    for (let i = 0; i < total; i++) {
      const arch: number[] = [];
      for (let g = 0, x = i; g < this.genes; g++, x = Math.floor(x / this.choices))
        arch.push(x % this.choices);
      yield arch;
    }
  }
  parse(input: unknown, field = 'arch'): readonly number[] {
    const r = this.validate(input);
    if (!r.ok) throw invalid(field, r.message);
    return r.arch;
  }
  validate(
    input: unknown,
  ): { ok: true; arch: readonly number[] } | { ok: false; field: string; message: string } {
    const arr = typeof input === 'string' ? input.split('-').map(Number) : input;
    if (
      !Array.isArray(arr) ||
      arr.length !== this.genes ||
      !arr.every((v) => Number.isInteger(v) && v >= 0 && v < this.choices)
    ) {
      return { ok: false, field: 'arch', message: `bad arch ${JSON.stringify(input)}` };
    }
    return { ok: true, arch: arr as number[] };
  }
  canonical(arch: readonly number[]): string {
    return arch.join('-');
  }
  toJSON(arch: readonly number[]): unknown {
    return arch.slice();
  }
  sample(rng: Rng): readonly number[] {
    return Array.from({ length: this.genes }, () => rng.int(this.choices));
  }
  mutate(arch: readonly number[], rng: Rng, probability: number): readonly number[] {
    return arch.map((v) => (rng.bool(probability) ? rng.int(this.choices) : v));
  }
  crossover(a: readonly number[], b: readonly number[], rng: Rng): readonly number[] {
    return a.map((v, i) => (rng.bool() ? v : b[i]));
  }
  flops(arch: readonly number[]): number {
    return arch.reduce((s, v) => s + v, 0);
  }
  params(arch: readonly number[]): number {
    return arch.length;
  }
  encode(arch: readonly number[]): number[] {
    return arch.slice();
  }
  encodingNames(): string[] {
    return Array.from({ length: this.genes }, (_, i) => `g${i}`);
  }
}

/**
 * A toy hardware-aware problem: accuracy rises with every gene but with gene-specific weights, latency is
 * the sum of genes, so the best feasible arch trades genes against the latency limit (known by enumeration).
 */
export function toyProblem(genes = 6, choices = 5, latencyMax = 10) {
  const space = new GridSpace(genes, choices);
  const weights = Array.from({ length: genes }, (_, i) => 1 + ((i * 7) % 5) / 3);
  const metricsOf = (arch: readonly number[]): Record<string, number | null> => ({
    acc: arch.reduce((s, v, i) => s + weights[i] * Math.sqrt(v + 0.3 * i), 0),
    lat: arch.reduce((s, v) => s + v, 0),
  });
  const objectives: Objective[] = [{ metric: 'acc', goal: 'max' }];
  const constraints: Constraint[] = [{ metric: 'lat', max: latencyMax }];
  const problem: SearchProblem<readonly number[]> = { space, objectives, constraints };
  let oracle = -Infinity;
  for (const a of space.enumerate()) {
    const m = metricsOf(a);
    if ((m.lat as number) <= latencyMax) oracle = Math.max(oracle, m.acc as number);
  }
  const evaluate = async (archs: (readonly number[])[]) => archs.map(metricsOf);
  return { space, problem, metricsOf, evaluate, oracle };
}
