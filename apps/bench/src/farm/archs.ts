/** The fmnist-mbv3 archs the quality and dataset parts measure, fixed by seeds so runs are comparable. */
import { Rng } from '@tailor/common';
import {
  defaultSearchSpacesDir,
  referenceArchs,
  SearchSpaceRegistry,
  type SearchSpace,
} from '@tailor/search-spaces';

export const SPACE_ID = 'fmnist-mbv3';

let registry: SearchSpaceRegistry | undefined;

export function spaces(): SearchSpaceRegistry {
  registry ??= SearchSpaceRegistry.load(defaultSearchSpacesDir());
  return registry;
}

export const fmnistSpace = (): SearchSpace => spaces().get(SPACE_ID);

/**
 * `count` distinct canonical archs sampled with `seed`, skipping `exclude`. Distinct, because a repeat
 * would be measured twice in a batch and add nothing to a dataset or to a stability statistic.
 */
export function sampleArchs(count: number, seed: number, exclude: readonly string[] = []): string[] {
  const space = fmnistSpace();
  const rng = Rng.fromSeed(seed);
  const seen = new Set(exclude);
  const out: string[] = [];
  for (let tries = 0; out.length < count; tries++) {
    if (tries > count * 100) throw new Error(`could not sample ${count} distinct ${SPACE_ID} archs`);
    const key = space.canonical(space.sample(rng));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  return out;
}

/** HELP-style dataset archs: the 10 reference archs (hardware embedding) first, then sampled ones. */
export function datasetArchs(total: number): string[] {
  const refs = referenceArchs(fmnistSpace());
  return [...refs, ...sampleArchs(total - refs.length, 1, refs)];
}
