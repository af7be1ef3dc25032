import * as fs from 'fs';
import * as path from 'path';
import { Rng, TailorError } from '@tailor/common';
import { DefinitionReader } from '../definition-reader';
import type { MbConvLayerDesc } from '../mbconv/mbconv-layer';
import { type OfaArch, createOfaMbv3Space } from './ofa-mbv3.space';

const root = path.resolve(__dirname, '../../../..');
const definition = JSON.parse(fs.readFileSync(path.join(root, 'search-spaces/ofa-mbv3.json'), 'utf8'));
const space = createOfaMbv3Space(new DefinitionReader('search-spaces/ofa-mbv3.json', definition));
// HELP's 5,000 OFA subnet configs live beside the repository, never inside it.
const help = JSON.parse(fs.readFileSync(path.resolve(root, '../shared/data/help/ofa.json'), 'utf8')) as {
  archs: OfaArch[];
};

const uniform = (k: number, e: number, d: number, r: number, w: 1.0 | 1.2 = 1.0): OfaArch => ({
  ks: Array(20).fill(k),
  e: Array(20).fill(e),
  d: Array(5).fill(d),
  r,
  w,
});

/** HELP's arch_encoding_ofa, re-derived from its description: one-hots, inactive layers all zero. */
function helpEncoding(arch: OfaArch): number[] {
  const ks = Array(60).fill(0);
  const ex = Array(60).fill(0);
  const r = Array(25).fill(0);
  for (let i = 0; i < 20; i++) {
    if (i % 4 >= arch.d[Math.floor(i / 4)]) continue;
    ks[i * 3 + [3, 5, 7].indexOf(arch.ks[i])] = 1;
    ex[i * 3 + [3, 4, 6].indexOf(arch.e[i])] = 1;
  }
  r[(arch.r - 128) / 4] = 1;
  return [...ks, ...ex, ...r];
}

function caught(fn: () => unknown): TailorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TailorError);
    return err as TailorError;
  }
  throw new Error('expected a TailorError');
}

describe('ofa-mbv3 space', () => {
  it('describes itself', () => {
    expect(space.id).toBe('ofa-mbv3');
    expect(space.inputShape).toEqual([224, 224, 3]);
    expect(space.enumerable).toBe(false);
    expect(() => space.enumerate()).toThrow(TailorError);
    expect(space.encodingLength).toBe(145);
    expect(space.encodingNames()).toHaveLength(145);
    expect(space.encodingNames().slice(0, 4)).toEqual(['ks[0]=3', 'ks[0]=5', 'ks[0]=7', 'ks[1]=3']);
    expect(space.encodingNames()[60]).toBe('e[0]=3');
    expect(space.encodingNames()[144]).toBe('r=224');
  });

  it('has the exact cardinality: (Σ_d 9^d)^5 stages × 25 resolutions × 2 widths', () => {
    const perStage = 9n ** 2n + 9n ** 3n + 9n ** 4n;
    expect(space.cardinality()).toBe(perStage ** 5n * 25n * 2n);
    expect(space.cardinality()).toBe(1_087_932_774_628_624_292_550n);
  });

  it('parses, round-trips and encodes all 5,000 HELP archs like HELP does', () => {
    expect(help.archs).toHaveLength(5000);
    const canonicals = new Set<string>();
    // Collect failures instead of 30,000 expect() calls, which would dominate the suite's run time.
    const failures: string[] = [];
    const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
    help.archs.forEach((raw, i) => {
      const arch = space.parse(raw);
      const canonical = space.canonical(arch);
      canonicals.add(canonical);
      const encoding = space.encode(arch);
      if (!same(arch, { ...raw, w: 1.0 })) failures.push(`${i}: parse`);
      if (space.canonical(space.parse(canonical)) !== canonical) failures.push(`${i}: canonical round trip`);
      if (!same(space.parse(space.toJSON(arch)), arch)) failures.push(`${i}: toJSON round trip`);
      if (encoding.length !== 145 || !same(encoding, helpEncoding(raw))) failures.push(`${i}: encoding`);
      if (!same(space.encode(space.parse(canonical)), encoding)) failures.push(`${i}: encoding of canonical`);
    });
    expect(failures).toEqual([]);
    expect(canonicals.size).toBe(5000);
  });

  it('masks inactive layers in the canonical string and the encoding', () => {
    const a = uniform(3, 4, 2, 160);
    const b = {
      ...a,
      ks: a.ks.map((k, i) => (i % 4 >= 2 ? 7 : k)),
      e: a.e.map((e, i) => (i % 4 >= 2 ? 6 : e)),
    };
    const canonical =
      'w1.0-r160-d2,2,2,2,2-ks' +
      '3,3,x,x,'.repeat(5).slice(0, -1) +
      '-e' +
      '4,4,x,x,'.repeat(5).slice(0, -1);
    expect(space.canonical(a)).toBe(canonical);
    expect(space.canonical(b)).toBe(canonical);
    expect(space.encode(b)).toEqual(space.encode(a));
    expect(space.canonical({ ...a, ks: [5, ...a.ks.slice(1)] })).not.toBe(canonical);
    expect(space.canonical({ ...a, w: 1.2 })).toBe(canonical.replace('w1.0', 'w1.2'));
    // Inactive slots parse to the smallest choice; an explicit number there is accepted and ignored.
    expect(space.parse(canonical).ks.slice(0, 4)).toEqual([3, 3, 3, 3]);
    expect(space.canonical(space.parse(canonical.replace('ks3,3,x,x', 'ks3,3,7,x')))).toBe(canonical);
  });

  it('rejects bad input naming the field and the value', () => {
    const good = help.archs[0];
    const cases: [unknown, string, string][] = [
      [
        { ...good, ks: [...good.ks.slice(0, 3), 9, ...good.ks.slice(4)] },
        'arch.ks[3]',
        'must be one of 3, 5, 7, got 9',
      ],
      [{ ...good, e: good.e.slice(1) }, 'arch.e', 'must have 20 items, got 19'],
      [{ ...good, d: [2, 3, 5, 2, 2] }, 'arch.d[2]', 'must be one of 2, 3, 4, got 5'],
      [{ ...good, r: 130 }, 'arch.r', 'got 130'],
      [{ ...good, w: 1.1 }, 'arch.w', 'must be one of 1, 1.2, got 1.1'],
      [{ ...good, depth: 3 }, 'arch.depth', 'is not a field'],
      [{ ks: good.ks, e: good.e, d: good.d }, 'arch.r', 'is required'],
      [42, 'arch', 'got 42'],
      ['w1.0-r160-d2,2,2,2,2', 'arch', 'must look like'],
      [
        'w1.0-r160-d2,2,2,2,2-ks' + 'x,'.repeat(19) + 'x-e' + '3,'.repeat(19) + '3',
        'arch.ks[0]',
        'the slot is active',
      ],
      ['w1.0-r161-d2,2,2,2,2-ks' + '3,'.repeat(19) + '3-e' + '3,'.repeat(19) + '3', 'arch.r', 'got 161'],
      ['w1.0-r160-d2,2,2,2,2-ks' + '3,'.repeat(19) + '4-e' + '3,'.repeat(19) + '3', 'arch.ks[19]', 'got 4'],
    ];
    for (const [input, field, message] of cases) {
      const err = caught(() => space.parse(input));
      expect({ code: err.code, field: err.field }).toEqual({ code: 'INVALID_ARGUMENT', field });
      expect(err.message).toContain(message);
      expect(space.validate(input)).toMatchObject({ ok: false, field });
    }
    expect(caught(() => space.parse(42, 'body.arch')).field).toBe('body.arch');
    expect(space.validate(good)).toEqual({ ok: true, arch: { ...good, w: 1.0 } });
  });

  it('samples deterministically per seed, and only valid archs', () => {
    const a = Rng.fromSeed(7);
    const b = Rng.fromSeed(7);
    const first = Array.from({ length: 50 }, () => space.canonical(space.sample(a)));
    expect(Array.from({ length: 50 }, () => space.canonical(space.sample(b)))).toEqual(first);
    expect(new Set(first).size).toBe(50);
    const rng = Rng.fromSeed(1);
    const widths = new Set<number | undefined>();
    for (let i = 0; i < 500; i++) {
      const arch = space.sample(rng);
      widths.add(arch.w);
      expect(space.validate(space.toJSON(arch)).ok).toBe(true);
    }
    expect(widths).toEqual(new Set([1.0, 1.2]));
  });

  it('mutates and crosses over into valid archs', () => {
    const rng = Rng.fromSeed(3);
    const failures: string[] = [];
    const fromParents = (c: OfaArch, a: OfaArch, b: OfaArch): boolean =>
      c.ks.every((k, j) => k === a.ks[j] || k === b.ks[j]) &&
      c.e.every((e, j) => e === a.e[j] || e === b.e[j]) &&
      c.d.every((d, j) => d === a.d[j] || d === b.d[j]) &&
      (c.r === a.r || c.r === b.r) &&
      (c.w === a.w || c.w === b.w);
    for (let i = 0; i < 300; i++) {
      const a = space.sample(rng);
      const b = space.sample(rng);
      if (space.mutate(a, rng, 0) !== a && space.canonical(space.mutate(a, rng, 0)) !== space.canonical(a))
        failures.push(`${i}: p=0 changed the arch`);
      if (!space.validate(space.toJSON(space.mutate(a, rng, 0.3))).ok) failures.push(`${i}: mutant invalid`);
      const c = space.crossover(a, b, rng);
      if (!space.validate(space.toJSON(c)).ok || !fromParents(c, a, b)) failures.push(`${i}: child`);
    }
    expect(failures).toEqual([]);
    const a = space.parse(help.archs[0]);
    expect(space.mutate(a, rng, 0)).toEqual(a);
    const fully = Array.from({ length: 200 }, () => space.mutate(a, rng, 1));
    expect(new Set(fully.map((m) => m.r)).size).toBeGreaterThan(10);
    expect(caught(() => space.mutate(a, rng, 1.5)).field).toBe('probability');
    expect(caught(() => space.mutate(a, rng, Number.NaN)).field).toBe('probability');
  });

  it('counts FLOPs and params of the largest and smallest subnets', () => {
    const max = uniform(7, 6, 4, 224);
    // OFA's largest w1.0 subnet has ~7.7M params (count_parameters: all trainable params incl. BN).
    expect(space.params(max)).toBeCloseTo(7.66476, 5);
    expect(space.flops(max)).toBeCloseTo(566.170656, 5);
    expect(space.flops(uniform(3, 3, 2, 224))).toBeCloseTo(121.278672, 5);
    expect(space.flops(uniform(3, 3, 2, 128))).toBeCloseTo(41.476224, 5);
    expect(space.params(uniform(3, 3, 2, 128))).toBe(space.params(uniform(3, 3, 2, 224)));
    expect(space.params(uniform(7, 6, 4, 224, 1.2))).toBeCloseTo(10.701632, 5);
    expect(space.flops(uniform(7, 6, 4, 224, 1.2))).toBeCloseTo(843.10104, 5);
  });

  it('describes the layers OFA builds', () => {
    const layers = space.describeLayers(uniform(7, 6, 4, 224));
    expect(layers).toHaveLength(1 + 1 + 20 + 4);
    expect(layers[0]).toMatchObject({
      type: 'conv',
      outChannels: 16,
      stride: 2,
      activation: 'h_swish',
      outputSize: 112,
    });
    expect(layers[1]).toMatchObject({ type: 'mbconv', expandRatio: 1, outChannels: 16, residual: true });
    const blocks = layers.filter((l): l is MbConvLayerDesc => l.type === 'mbconv' && l.stage !== undefined);
    const firsts = blocks.filter((b) => b.block === 0);
    expect(firsts.map((b) => [b.outChannels, b.stride, b.se, b.activation, b.inputSize])).toEqual([
      [24, 2, false, 'relu', 112],
      [40, 2, true, 'relu', 56],
      [80, 2, false, 'h_swish', 28],
      [112, 1, true, 'h_swish', 14],
      [160, 2, true, 'h_swish', 14],
    ]);
    expect(layers.slice(-4).map((l) => l.type)).toEqual(['conv', 'global-avg-pool', 'conv', 'linear']);
    const wide = space.describeLayers(uniform(3, 3, 2, 160, 1.2));
    expect(wide[0]).toMatchObject({ outChannels: 24 });
    expect(wide.filter((l) => l.type === 'mbconv').map((l) => (l as MbConvLayerDesc).outChannels)).toEqual([
      24, 32, 32, 48, 48, 96, 96, 136, 136, 192, 192,
    ]);
    expect(wide.slice(-4)).toMatchObject([
      { outChannels: 1152 },
      {},
      { outChannels: 1536 },
      { inFeatures: 1536 },
    ]);
  });
});
