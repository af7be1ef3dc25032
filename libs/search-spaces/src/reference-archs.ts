import { Rng } from '@tailor/common';
import type { SearchSpace } from './search-space';

export interface ReferenceArchOptions {
  /** How many reference archs (HELP uses 10). */
  readonly count?: number;
  /** Size of the seeded pool they are picked from. */
  readonly pool?: number;
  readonly seed?: number;
}

/**
 * The space's reference archs for hardware embeddings (HELP: a device is embedded by its latencies on a
 * fixed set of archs). For spaces without published ones (fmnist-mbv3) they are chosen here, fixed by a
 * seed: from a pool of distinct sampled archs sorted by FLOPs, the archs at the centres of `count`
 * equal FLOPs-rank bins — so the set spans small to large networks, whose latencies differ most across
 * devices. Returns canonical strings, smallest first.
 */
export function referenceArchs(space: SearchSpace, opts: ReferenceArchOptions = {}): string[] {
  const count = opts.count ?? 10;
  const poolSize = opts.pool ?? 10_000;
  const rng = Rng.fromSeed(opts.seed ?? 2021);
  const seen = new Map<string, number>();
  for (let i = 0; i < poolSize * 4 && seen.size < poolSize; i++) {
    const arch = space.sample(rng);
    const key = space.canonical(arch);
    if (!seen.has(key)) seen.set(key, space.flops(arch));
  }
  const sorted = [...seen].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  if (sorted.length < count)
    throw new RangeError(`${space.id} has fewer than ${count} distinct archs to pick from`);
  return Array.from({ length: count }, (_, i) => sorted[Math.floor(((i + 0.5) / count) * sorted.length)][0]);
}
