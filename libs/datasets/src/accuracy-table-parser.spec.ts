import { parseAccuracyTable } from './accuracy-table-parser';
import { expectInvalid } from './testing/expect-invalid';
import { fakeResolveSpace } from './testing/fake-space-resolver';
import { NB201_ARCHS, accuracySample } from './testing/sample-tables';

const parse = (json: unknown) => parseAccuracyTable(json, fakeResolveSpace, { fileName: 'acc.json' });

describe('parseAccuracyTable', () => {
  it('returns the typed table of a valid file, bounds included', () => {
    const ds = parse(accuracySample());
    expect(ds).toMatchObject({
      kind: 'accuracy',
      searchSpace: 'nasbench201',
      archKeys: NB201_ARCHS,
      unit: 'percent top-1 test accuracy',
      duplicates: 0,
      metrics: [
        { dataset: 'cifar10', values: [85.86, 93.66, 10, 0] },
        { dataset: 'cifar100', values: [52.9, 70.3, 1, 100] },
      ],
    });
    expect(ds.summary.perMetric[1]).toEqual({
      dataset: 'cifar100',
      min: 1,
      median: (52.9 + 70.3) / 2,
      max: 100,
    });
  });

  it('defaults the unit to percent', () => {
    const json = accuracySample();
    delete json.unit;
    expect(parse(json).unit).toBe('percent');
  });

  it('keeps the first of duplicate archs in every metric', () => {
    const json = accuracySample();
    json.archs[3] = json.archs[1];
    const ds = parse(json);
    expect(ds.duplicates).toBe(1);
    expect(ds.archKeys).toEqual(NB201_ARCHS.slice(0, 3));
    expect(ds.metrics.map((m) => m.values)).toEqual([
      [85.86, 93.66, 10],
      [52.9, 70.3, 1],
    ]);
  });

  describe('rejects', () => {
    it.each([
      [100.5, '100.5'],
      [-0.1, '-0.1'],
      [NaN, 'NaN'],
      ['93', '"93"'],
    ])('accuracy %p', (bad, shown) => {
      const json = accuracySample();
      json.accuracy.cifar100[2] = bad;
      expectInvalid(() => parse(json), 'accuracy.cifar100[2]', shown);
    });

    it('a column of the wrong length', () => {
      const json = accuracySample();
      json.accuracy.cifar10.push(50);
      expectInvalid(() => parse(json), 'accuracy.cifar10', 'got 5');
    });

    it('a dataset name that is not a slug', () => {
      const json = accuracySample();
      json.accuracy['ImageNet 16'] = json.accuracy.cifar10;
      expectInvalid(() => parse(json), 'accuracy', '"ImageNet 16"');
    });

    it('a bad arch', () => {
      const json = accuracySample();
      json.archs[0] = 42;
      expectInvalid(() => parse(json), 'archs[0]', '42');
    });

    it.each([
      ['schemaVersion', undefined, 'schemaVersion', 'missing'],
      ['searchSpace', 'darts', 'searchSpace', '"darts"'],
      ['unit', '', 'unit', '""'],
      ['accuracy', {}, 'accuracy', '{}'],
      ['accuracy', { cifar10: 'high' }, 'accuracy.cifar10', '"high"'],
    ])('%s = %j', (key, value, field, shown) => {
      expectInvalid(() => parse({ ...accuracySample(), [key]: value }), field, shown);
    });
  });
});
