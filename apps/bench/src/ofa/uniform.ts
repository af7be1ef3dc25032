import type { SearchSpace } from '@tailor/search-spaces';

/**
 * The "scale the largest network down uniformly" baseline: every stage the same depth, every layer the
 * same kernel and expand ratio, one width — the knobs a hand-designer turns — largest (by MACs) first.
 */
export function uniformArchs(space: SearchSpace): string[] {
  const keys = new Set<string>();
  for (const w of [1.0, 0.75])
    for (const d of [3, 2, 1])
      for (const k of [7, 5, 3])
        for (const e of [4, 3, 2])
          keys.add(
            space.canonical(space.parse({ w, d: [d, d, d, d], ks: Array(12).fill(k), e: Array(12).fill(e) })),
          );
  return [...keys].sort((a, b) => space.flops(space.parse(b)) - space.flops(space.parse(a)));
}
