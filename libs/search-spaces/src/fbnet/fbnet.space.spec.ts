import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng, TailorError } from '@tailor/common';
import { HELP_DATA_DIR, readerFor } from '../testing/spec-definitions';
import { FBNET_OPS } from './fbnet.definition';
import { createFbnetSpace, type FbnetArch } from './fbnet.space';

const space = createFbnetSpace(readerFor('fbnet'));
const allSkip = (): FbnetArch => space.parse(Array(22).fill('skip'));
const withLayer = (layer: number, op: string): FbnetArch =>
  space.parse(Array.from({ length: 22 }, (_, i) => (i === layer ? op : 'skip')));

/** HELP's utils.arch_enc, re-derived from op indices, as an independent check of `encode`. */
function helpEncoding(indices: readonly number[]): number[] {
  return indices.flatMap((i) => {
    const v = [0, 0, 0, 0, 0, 0];
    if (i === 8) return v;
    v[i < 4 ? 0 : 1] = 1;
    v[2 + (i % 4)] = 1;
    return v;
  });
}

describe('fbnet space', () => {
  const data = JSON.parse(fs.readFileSync(path.join(HELP_DATA_DIR, 'fbnet.json'), 'utf8')) as {
    archs: number[][];
    opNames: string[];
  };

  it('uses the op names and order of the HELP/HW-NAS-Bench data', () => {
    expect([...FBNET_OPS]).toEqual(data.opNames);
  });

  it('parses all 5,000 HELP archs and round-trips them through the canonical string and JSON form', () => {
    const archs = data.archs.map((indices) => space.parse(indices));
    const canon = archs.map((arch) => space.canonical(arch));
    // One comparison per property: per-arch expect() calls would dominate the run time.
    expect(canon.map((s) => space.canonical(space.parse(s)))).toEqual(canon);
    expect(archs.map((arch) => space.canonical(space.parse(space.toJSON(arch))))).toEqual(canon);
    const joined = (rows: number[][]): string[] => rows.map((row) => row.join(''));
    expect(joined(archs.map((arch) => space.encode(arch)))).toEqual(joined(data.archs.map(helpEncoding)));
    expect(new Set(canon).size).toBe(5000);
    expect(canon[0]).toBe(data.archs[0].map((i) => data.opNames[i]).join('-'));
  });

  it('describes itself and refuses enumeration', () => {
    expect(space.id).toBe('fbnet');
    expect(space.cardinality()).toBe(9n ** 22n);
    expect(space.enumerable).toBe(false);
    expect(space.inputShape).toEqual([32, 32, 3]);
    expect(space.encodingLength).toBe(132);
    expect(space.encodingNames()).toHaveLength(132);
    expect(space.encodingNames().slice(6, 12)).toEqual([
      'layer1.kernel3',
      'layer1.kernel5',
      'layer1.e1',
      'layer1.e1_g2',
      'layer1.e3',
      'layer1.e6',
    ]);
    let err: unknown;
    try {
      space.enumerate();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TailorError);
    expect((err as TailorError).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects bad input with the field path and the value', () => {
    const bad: unknown[] = Array(22).fill('skip');
    bad[3] = 'conv9';
    expect(() => space.parse(bad)).toThrow(
      'arch[3]: unknown op "conv9", expected one of k3_e1, k3_e1_g2, k3_e3, k3_e6, k5_e1, k5_e1_g2, k5_e3, k5_e6, skip',
    );
    bad[3] = 9;
    expect(() => space.parse(bad, 'body.arch')).toThrow(
      'body.arch[3]: op index must be an integer in [0, 8], got 9',
    );
    expect(() => space.parse('skip-skip')).toThrow(
      /arch: expected 22 "-"-separated op names, got "skip-skip"/,
    );
    expect(() => space.parse({ ops: [] })).toThrow(/arch: must be a "-"-joined string/);
    expect(space.validate(bad)).toEqual({
      ok: false,
      field: 'arch[3]',
      message: expect.stringContaining('got 9'),
    });
  });

  it('hand count: all-skip network (stem, 6 conv1x1 skips where the shape changes, header, classifier)', () => {
    // stem 3·16·9 @32² | skip 16→24 @32² | 24→32 s2 @16² | 32→64 s2 @8² | 64→112 @8² | 112→184 s2 @4² | 184→352 @4²
    // | header 352→1504 @4² | fc 1504·100 + 100.
    const macs =
      432 * 1024 +
      384 * 1024 +
      768 * 256 +
      2048 * 64 +
      7168 * 64 +
      20608 * 16 +
      64768 * 16 +
      529408 * 16 +
      150500;
    const params = 464 + 432 + 832 + 2176 + 7392 + 20976 + 65472 + 532416 + 150500;
    expect(macs).toBe(11_609_060);
    expect(space.flops(allSkip())).toBeCloseTo(macs / 1e6, 12);
    expect(space.params(allSkip())).toBeCloseTo(params / 1e6, 12);
  });

  it('hand count: one inverted-residual block on layer 0 (16→16, 32×32)', () => {
    const base = { flops: space.flops(allSkip()), params: space.params(allSkip()) };
    // k3_e6: 1x1 16→96, depthwise 3x3 on 96, 1x1 96→16, each + BN.
    const e6 = withLayer(0, 'k3_e6');
    expect(space.flops(e6) - base.flops).toBeCloseTo(((1536 + 864 + 1536) * 1024) / 1e6, 12);
    expect(space.params(e6) - base.params).toBeCloseTo((1536 + 192 + 864 + 192 + 1536 + 32) / 1e6, 12);
    // k5_e1_g2: both 1x1 convs split in 2 groups (16·16/2 weights), depthwise 5x5 on 16.
    const g2 = withLayer(0, 'k5_e1_g2');
    expect(space.flops(g2) - base.flops).toBeCloseTo(((128 + 400 + 128) * 1024) / 1e6, 12);
    expect(space.params(g2) - base.params).toBeCloseTo((128 + 32 + 400 + 32 + 128 + 32) / 1e6, 12);
  });

  it('hand count: a stride-2 block replaces the conv1x1 skip on layer 5 (24→32, 32²→16²)', () => {
    const base = { flops: space.flops(allSkip()), params: space.params(allSkip()) };
    const arch = withLayer(5, 'k5_e3');
    // Expand 24→72 at 32², depthwise 5x5 s2 (pad 2) to 16², project 72→32 at 16²; minus the skip's 24·32 @16².
    const macs = 24 * 72 * 1024 + 72 * 25 * 256 + 72 * 32 * 256 - 768 * 256;
    const params = 24 * 72 + 144 + 72 * 25 + 144 + 72 * 32 + 64 - 832;
    expect(space.flops(arch) - base.flops).toBeCloseTo(macs / 1e6, 12);
    expect(space.params(arch) - base.params).toBeCloseTo(params / 1e6, 12);
  });

  it('samples, mutates and crosses over deterministically into valid archs', () => {
    const rng = Rng.fromSeed(3);
    const a = space.sample(rng);
    const b = space.sample(rng);
    expect(space.validate(space.canonical(a))).toEqual({ ok: true, arch: a });
    expect(space.mutate(a, rng, 0)).toEqual(a);
    space.mutate(a, rng, 1).forEach((op, i) => expect(op).not.toBe(a[i]));
    const partial = space.mutate(a, rng, 0.2);
    expect(space.validate([...partial]).ok).toBe(true);
    space.crossover(a, b, rng).forEach((op, i) => expect([a[i], b[i]]).toContain(op));
    expect(space.sample(Rng.fromSeed(3))).toEqual(a);
  });

  it('rejects a definition whose layer chain is broken, naming file, path and value', () => {
    const reader = readerFor('fbnet', (json) => {
      (json.layers as { in: number }[])[3].in = 40;
    });
    expect(() => createFbnetSpace(reader)).toThrow(
      'search-spaces/fbnet.json: layers[3].in must equal the previous output channels (24), got 40',
    );
  });
});
