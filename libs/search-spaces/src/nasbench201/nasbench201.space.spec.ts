import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng, TailorError } from '@tailor/common';
import { HELP_DATA_DIR, readerFor } from '../testing/spec-definitions';
import { nasbench201ArchAt, nasbench201Graph, nasbench201Index } from './nasbench201.arch';
import { nasbench201Cost } from './nasbench201.cost';
import { createNasbench201Space } from './nasbench201.space';

const space = createNasbench201Space(readerFor('nasbench201'));
const uniform = (op: string): string => space.canonical(space.parse(Array(6).fill(op)));
const ALL_3X3 =
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';
const ARCH0 =
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';

function errorOf(fn: () => unknown): TailorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TailorError) return err;
    throw err;
  }
  throw new Error('expected a TailorError');
}

describe('nasbench201 index order', () => {
  const data = JSON.parse(fs.readFileSync(path.join(HELP_DATA_DIR, 'nasbench201.json'), 'utf8')) as {
    archs: string[];
  };

  it('enumerate() yields the official NAS-Bench-201 order for all 15,625 archs', () => {
    const ours = [...space.enumerate()].map((a) => space.canonical(a));
    expect(ours).toHaveLength(15625);
    expect(ours).toEqual(data.archs);
    expect(new Set(ours).size).toBe(15625);
  });

  it('nasbench201Index inverts the order and nasbench201ArchAt follows it', () => {
    const indices = data.archs.map((s) => nasbench201Index(space.parse(s)));
    expect(indices).toEqual(data.archs.map((_, i) => i));
    expect(space.canonical(nasbench201ArchAt(0))).toBe(ARCH0);
    expect(space.canonical(nasbench201ArchAt(15624))).toBe(data.archs[15624]);
    expect(() => nasbench201ArchAt(15625)).toThrow(/index: must be an integer in \[0, 15624\], got 15625/);
  });
});

describe('nasbench201 space', () => {
  it('describes itself', () => {
    expect(space.id).toBe('nasbench201');
    expect(space.cardinality()).toBe(15625n);
    expect(space.enumerable).toBe(true);
    expect(space.inputShape).toEqual([32, 32, 3]);
    expect(space.definition.id).toBe('nasbench201');
    expect(Object.isFrozen(space.definition)).toBe(true);
  });

  it('parses the string and the op-name array to the same arch', () => {
    const a = space.parse(ARCH0);
    expect(a).toEqual([
      'avg_pool_3x3',
      'nor_conv_1x1',
      'skip_connect',
      'nor_conv_1x1',
      'skip_connect',
      'skip_connect',
    ]);
    expect(space.parse(space.toJSON(a))).toEqual(a);
    expect(space.canonical(a)).toBe(ARCH0);
  });

  it('rejects bad input with the field path and the value', () => {
    const bad = ['none', 'none', 'none', 'conv9', 'none', 'none'];
    expect(errorOf(() => space.parse(bad)).message).toBe(
      'arch[3]: unknown op "conv9", expected one of none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3',
    );
    expect(errorOf(() => space.parse(ARCH0.replace('skip_connect~2', 'conv9~2'), 'body.arch')).field).toBe(
      'body.arch[5]',
    );
    expect(errorOf(() => space.parse(ARCH0.replace('skip_connect~2', 'skip_connect~1'))).message).toMatch(
      /arch\[5\]: edge into node 3 must read "op~2", got "skip_connect~1"/,
    );
    expect(errorOf(() => space.parse('|none~0|+|none~0|none~1|')).message).toMatch(
      /expected 3 "\+"-separated nodes/,
    );
    expect(errorOf(() => space.parse(['none'])).message).toBe('arch: expected 6 ops, got 1: ["none"]');
    expect(errorOf(() => space.parse(42)).message).toMatch(
      /arch: must be a NAS-Bench-201 arch string .* got 42/,
    );
    expect(space.validate('nope')).toEqual({
      ok: false,
      field: 'arch',
      message: expect.stringContaining('"nope"'),
    });
    expect(space.validate(ARCH0)).toEqual({ ok: true, arch: space.parse(ARCH0) });
  });

  it('matches the benchmark flops/params columns (CIFAR-10 default, CIFAR-100, ImageNet16-120)', () => {
    // Published NAS-Bench-201 extremes: all-conv3x3 cell and a conv-free cell.
    expect(space.flops(space.parse(ALL_3X3))).toBeCloseTo(220.11969, 9);
    expect(space.params(space.parse(ALL_3X3))).toBeCloseTo(1.531546, 9);
    expect(space.flops(space.parse(uniform('none')))).toBeCloseTo(7.78305, 9);
    expect(space.params(space.parse(uniform('avg_pool_3x3')))).toBeCloseTo(0.073306, 9);
    const macro = {
      inputShape: [32, 32, 3],
      numClasses: 100,
      stemChannels: 16,
      stages: [16, 32, 64].map((channels) => ({ channels, cells: 5 })),
    };
    expect(nasbench201Cost(space.parse(ALL_3X3), macro).millions()).toEqual({
      flops: 220.12554,
      params: 1.537396,
    });
    const imagenet16 = { ...macro, inputShape: [16, 16, 3], numClasses: 120 };
    expect(nasbench201Cost(space.parse(ALL_3X3), imagenet16).millions()).toEqual({
      flops: 55.03756,
      params: 1.538696,
    });
  });

  it('hand count: one nor_conv_1x1 edge adds C² MACs per pixel and C²+2C params in each of 15 cells', () => {
    const arch = space.parse(['nor_conv_1x1', 'none', 'none', 'none', 'none', 'none']);
    // Per cell: 16²·32² = 32²·16² = 64²·8² = 262,144 MACs; params 16²+32, 32²+64, 64²+128.
    const macs = 7_783_050 + 5 * 3 * 262_144;
    const params = 73_306 + 5 * (288 + 1088 + 4224);
    expect(nasbench201Cost(arch).totals()).toEqual({ macs, params });
    expect(space.flops(arch)).toBeCloseTo(macs / 1e6, 12);
  });

  it('encodes 6 one-hot blocks of 5 in string edge order', () => {
    const enc = space.encode(space.parse(ARCH0));
    expect(enc).toHaveLength(30);
    expect(space.encodingLength).toBe(30);
    const names = space.encodingNames();
    expect(names).toHaveLength(30);
    expect(names.filter((_, i) => enc[i] === 1)).toEqual([
      'edge1<-0=avg_pool_3x3',
      'edge2<-0=nor_conv_1x1',
      'edge2<-1=skip_connect',
      'edge3<-0=nor_conv_1x1',
      'edge3<-1=skip_connect',
      'edge3<-2=skip_connect',
    ]);
  });

  it('builds the cell DAG with ops on nodes', () => {
    const g = nasbench201Graph(space.parse(ARCH0));
    // input, avg_pool, conv1x1, skip, conv1x1, skip, skip, output (labels: input, 5 ops, output).
    expect(g.ops).toEqual([0, 5, 3, 2, 3, 2, 2, 6]);
    const edges = g.adjacency.flatMap((row, i) => row.flatMap((v, j) => (v ? [`${i}>${j}`] : [])));
    expect(edges.sort()).toEqual(
      ['0>1', '0>2', '0>4', '1>3', '1>5', '2>6', '3>6', '4>7', '5>7', '6>7'].sort(),
    );
  });

  it('samples, mutates and crosses over deterministically into valid archs', () => {
    const rng = Rng.fromSeed(7);
    const a = space.sample(rng);
    const b = space.sample(rng);
    expect(space.validate(space.toJSON(a)).ok).toBe(true);
    expect(space.mutate(a, rng, 0)).toEqual(a);
    const all = space.mutate(a, rng, 1);
    all.forEach((op, i) => expect(op).not.toBe(a[i]));
    const child = space.crossover(a, b, rng);
    child.forEach((op, i) => expect([a[i], b[i]]).toContain(op));
    const again = Rng.fromSeed(7);
    expect(space.sample(again)).toEqual(a);
    expect(() => space.mutate(a, rng, 1.5)).toThrow(/probability: must be a number in \[0, 1\], got 1.5/);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(space.canonical(space.sample(rng)));
    expect(seen.size).toBeGreaterThan(1800);
  });

  it('refuses a definition whose op order differs from the benchmark', () => {
    const reader = readerFor('nasbench201', (json) => {
      json.ops = ['skip_connect', 'none', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];
    });
    expect(() => createNasbench201Space(reader)).toThrow(
      'search-spaces/nasbench201.json: ops[0] must be "none" (benchmark order), got "skip_connect"',
    );
  });
});
