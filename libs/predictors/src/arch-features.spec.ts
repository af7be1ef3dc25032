import { SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';
import { Rng } from '@tailor/common';
import { activeEdgeOneHot, archFeatureNames, archFeatures } from './arch-features';

describe('archFeatures', () => {
  const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());

  it('has one name per feature in every space', () => {
    for (const space of registry.list()) {
      const arch = space.sample(Rng.fromSeed(1));
      expect(archFeatures(space, arch)).toHaveLength(archFeatureNames(space).length);
    }
  });

  it('NAS-Bench-201: ops on edges cut off from the input or output are not active', () => {
    // node 1 ← 0 is none, so edges leaving node 1 carry nothing from the input;
    const arch = ['none', 'nor_conv_3x3', 'nor_conv_1x1', 'skip_connect', 'avg_pool_3x3', 'none'] as const;
    const active = activeEdgeOneHot(arch);
    const on = (edge: number) => active.slice(edge * 5, edge * 5 + 5).some((v) => v === 1);
    // node 2 is reached from the input (edge 2←0) but leads nowhere (3←2 is none): only 3←0 is live
    expect([0, 1, 2, 3, 4, 5].map(on)).toEqual([false, false, false, true, false, false]);
  });

  it('FBNet and elastic spaces: exactly one joint one-hot per active layer', () => {
    const fbnet = registry.get('fbnet');
    const a = fbnet.sample(Rng.fromSeed(2)) as string[];
    const names = archFeatureNames(fbnet);
    const f = archFeatures(fbnet, a);
    const joint = names.map((n, i) => (/^layer\d+=/.test(n) ? f[i] : 0));
    expect(joint.reduce((s, v) => s + v, 0)).toBe(a.length);
    const ofa = registry.get('ofa-mbv3');
    const o = ofa.sample(Rng.fromSeed(3)) as { d: number[] };
    const on = archFeatures(ofa, o).filter((v, i) => archFeatureNames(ofa)[i].startsWith('slot') && v === 1);
    expect(on).toHaveLength(o.d.reduce((s, v) => s + v, 0));
  });
});
