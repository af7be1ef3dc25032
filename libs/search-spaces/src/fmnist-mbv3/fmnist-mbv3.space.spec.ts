import * as fs from 'fs';
import * as path from 'path';
import { Rng, TailorError } from '@tailor/common';
import { DefinitionReader } from '../definition-reader';
import type { MbConvLayerDesc } from '../mbconv/mbconv-layer';
import { type FmnistArch, createFmnistMbv3Space } from './fmnist-mbv3.space';

const file = path.resolve(__dirname, '../../../../search-spaces/fmnist-mbv3.json');
const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
const space = createFmnistMbv3Space(new DefinitionReader('search-spaces/fmnist-mbv3.json', definition));

const uniform = (k: number, e: number, d: number, w: 0.75 | 1.0 = 1.0): FmnistArch => ({
  ks: Array(12).fill(k),
  e: Array(12).fill(e),
  d: Array(4).fill(d),
  w,
});

function caught(fn: () => unknown): TailorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TailorError);
    return err as TailorError;
  }
  throw new Error('expected a TailorError');
}

describe('fmnist-mbv3 space', () => {
  it('describes itself', () => {
    expect(space.id).toBe('fmnist-mbv3');
    expect(space.inputShape).toEqual([28, 28, 1]);
    expect(space.enumerable).toBe(false);
    expect(space.encodingLength).toBe(12 * 3 + 12 * 3 + 2);
    expect(space.encodingNames().slice(-2)).toEqual(['w=0.75', 'w=1.0']);
  });

  it('has (Σ_d 9^d)^4 × 2 widths ≥ 10^6 archs', () => {
    expect(space.cardinality()).toBe((9n + 81n + 729n) ** 4n * 2n);
    expect(space.cardinality() >= 1_000_000n).toBe(true);
  });

  it('keeps the largest subnet small enough to train on a 2-core CPU', () => {
    const max = uniform(7, 4, 3);
    expect(space.flops(max)).toBeLessThanOrEqual(30);
    expect(space.params(max)).toBeLessThanOrEqual(1);
    expect(space.flops(max)).toBeCloseTo(22.993568, 5);
    expect(space.params(max)).toBeCloseTo(0.343658, 5);
    const min = uniform(3, 2, 1, 0.75);
    expect(space.flops(min)).toBeCloseTo(2.001416, 5);
    expect(space.flops(min)).toBeLessThan(space.flops(uniform(3, 2, 1, 1.0)));
  });

  it('describes the layers, scaling only the stage channels by the width', () => {
    const layers = space.describeLayers(uniform(5, 3, 2, 0.75));
    expect(layers[0]).toMatchObject({
      type: 'conv',
      inChannels: 1,
      outChannels: 16,
      stride: 1,
      inputSize: 28,
    });
    const blocks = layers.filter((l): l is MbConvLayerDesc => l.type === 'mbconv');
    expect(blocks.map((b) => [b.outChannels, b.inputSize, b.stride, b.se])).toEqual([
      [12, 28, 1, false],
      [12, 28, 1, false],
      [20, 28, 2, false],
      [20, 14, 1, false],
      [32, 14, 2, true],
      [32, 7, 1, true],
      [48, 7, 2, true],
      [48, 4, 1, true],
    ]);
    expect(layers.slice(-3)).toMatchObject([
      { type: 'conv', inChannels: 48, outChannels: 256, inputSize: 4 },
      { type: 'global-avg-pool' },
      { type: 'linear', inFeatures: 256, outFeatures: 10 },
    ]);
  });

  it('round-trips the canonical string (no resolution segment) and the JSON form', () => {
    const arch = space.parse({
      ks: [3, 5, 7, 3, 5, 7, 3, 5, 7, 3, 5, 7],
      e: Array(12).fill(2),
      d: [1, 2, 3, 1],
    });
    expect(arch.w).toBe(1.0);
    const canonical = 'w1.0-d1,2,3,1-ks3,x,x,3,5,x,3,5,7,3,x,x-e2,x,x,2,2,x,2,2,2,2,x,x';
    expect(space.canonical(arch)).toBe(canonical);
    expect(space.canonical(space.parse(canonical))).toBe(canonical);
    expect(space.parse(space.toJSON(arch))).toEqual(arch);
    expect(space.encode(arch).filter((v) => v === 1)).toHaveLength(7 + 7 + 1);
    const err = caught(() => space.parse({ ...arch, r: 28 }));
    expect(err.field).toBe('arch.r');
    expect(caught(() => space.parse(canonical.replace('w1.0', 'w0.5'))).message).toContain(
      'arch.w: must be one of 0.75, 1, got 0.5',
    );
    expect(space.validate('w1.0-d1,2,3,4-ks')).toMatchObject({
      ok: false,
      field: 'arch',
      message: expect.stringContaining('must look like'),
    });
  });

  it('samples deterministically and mutates/crosses over into valid archs', () => {
    const a = Rng.fromSeed(11);
    const b = Rng.fromSeed(11);
    const first = Array.from({ length: 30 }, () => space.canonical(space.sample(a)));
    expect(Array.from({ length: 30 }, () => space.canonical(space.sample(b)))).toEqual(first);
    const rng = Rng.fromSeed(5);
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const x = space.sample(rng);
      const y = space.sample(rng);
      if (!space.validate(space.toJSON(space.mutate(x, rng, 0.5))).ok) failures.push(`${i}: mutant`);
      if (!space.validate(space.toJSON(space.crossover(x, y, rng))).ok) failures.push(`${i}: child`);
      if (space.encode(x).length !== space.encodingLength) failures.push(`${i}: encoding length`);
    }
    expect(failures).toEqual([]);
  });
});
