import { Rng } from '@tailor/common';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { chooseCalibrationArchs, samplePool } from './shot-choice';

const spaces = SearchSpaceRegistry.load(defaultSearchSpacesDir());

describe('chooseCalibrationArchs', () => {
  const pool = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const uncertainty = [0.1, 0.9, 0.3, 0.9, 0.05, 0.7, 0.2, 0.3];

  it('takes the most uncertain archs as shots, ties in pool order', () => {
    const { shots } = chooseCalibrationArchs(pool, uncertainty, 4, 0, Rng.fromSeed(1));
    expect(shots).toEqual(['b', 'd', 'f', 'c']);
  });

  it('holds out distinct random validation archs that are not shots, fixed by the seed', () => {
    const a = chooseCalibrationArchs(pool, uncertainty, 3, 4, Rng.fromSeed(5));
    const b = chooseCalibrationArchs(pool, uncertainty, 3, 4, Rng.fromSeed(5));
    expect(a).toEqual(b);
    expect(a.validation).toHaveLength(4);
    expect(new Set(a.validation).size).toBe(4);
    for (const v of a.validation) expect(a.shots).not.toContain(v);
  });

  it('gives what the pool has when asked for more', () => {
    const { shots, validation } = chooseCalibrationArchs(pool, uncertainty, 6, 5, Rng.fromSeed(1));
    expect(shots).toHaveLength(6);
    expect(validation.sort()).toEqual(pool.filter((k) => !shots.includes(k)).sort());
  });

  it('refuses uncertainties that do not match the pool', () => {
    expect(() => chooseCalibrationArchs(pool, [1, 2], 1, 1, Rng.fromSeed(1))).toThrow(RangeError);
  });
});

describe('samplePool', () => {
  const nb = spaces.get('nasbench201');

  it('draws distinct canonical archs of the space, without the excluded ones, fixed by the seed', () => {
    const exclude = new Set(samplePool(nb, { size: 20, seed: 3, exclude: new Set() }).slice(0, 5));
    const pool = samplePool(nb, { size: 500, seed: 3, exclude });
    expect(pool).toHaveLength(500);
    expect(new Set(pool).size).toBe(500);
    for (const k of pool) {
      expect(exclude.has(k)).toBe(false);
      expect(nb.canonical(nb.parse(k))).toBe(k);
    }
    expect(samplePool(nb, { size: 500, seed: 3, exclude })).toEqual(pool);
  });

  it('draws only from the given candidates when there are some', () => {
    const candidates = ['x1', 'x2', 'x3', 'x4', 'x2'];
    const pool = samplePool(nb, { size: 10, seed: 1, exclude: new Set(['x3']), candidates });
    expect(pool.sort()).toEqual(['x1', 'x2', 'x4']);
  });
});
