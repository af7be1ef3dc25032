import { referenceArchs } from './reference-archs';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from './registry';

describe('referenceArchs', () => {
  const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('fmnist-mbv3');

  it('picks 10 distinct valid archs spanning the FLOPs range, the same every time', () => {
    const refs = referenceArchs(space);
    expect(refs).toHaveLength(10);
    expect(new Set(refs).size).toBe(10);
    expect(referenceArchs(space)).toEqual(refs);
    const flops = refs.map((r) => space.flops(space.parse(r)));
    expect([...flops].sort((a, b) => a - b)).toEqual(flops);
    // Spans most of the space: the largest is several times the smallest.
    expect(flops[9] / flops[0]).toBeGreaterThan(2);
    refs.forEach((r) => expect(space.canonical(space.parse(r))).toBe(r));
  });

  it('a different seed gives a different set', () => {
    expect(referenceArchs(space, { seed: 7, pool: 2000 })).not.toEqual(referenceArchs(space, { pool: 2000 }));
  });
});
