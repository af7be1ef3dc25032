import { TailorError } from '@tailor/common';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { buildCorpus, planCorpus, type CorpusDataset, type CorpusRequest } from './table-corpus';

const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('nasbench201');
const keys = [...space.enumerate()].slice(0, 400).map((a) => space.canonical(a));

// Newest file: archs 0..299, reference archs among 100..109. Older file: archs 50..399, reversed.
const newer: CorpusDataset = {
  id: 'ds-new',
  archKeys: keys.slice(0, 300),
  referenceArchKeys: keys.slice(100, 110),
  splits: { metaTrain: ['a1', 'b1', 'not-imported'], metaValid: ['a2'] },
  protocolRanges: { trainPool: [0, 150], query: [150, 300] },
  createdAt: new Date('2025-02-01'),
};
const older: CorpusDataset = {
  id: 'ds-old',
  archKeys: keys.slice(50, 400).reverse(),
  referenceArchKeys: null,
  splits: null,
  protocolRanges: null,
  createdAt: new Date('2025-01-01'),
};

const request = (over: Partial<CorpusRequest> = {}): CorpusRequest => ({
  searchSpace: 'nasbench201',
  tables: new Map([
    ['a1', 'ds-new'],
    ['a2', 'ds-new'],
    ['b1', 'ds-old'],
  ]),
  datasets: new Map([
    [newer.id, newer],
    [older.id, older],
  ]),
  fallbackReferences: () => keys.slice(200, 210),
  ...over,
});

function errorOf(run: () => unknown): TailorError {
  try {
    run();
  } catch (e) {
    if (e instanceof TailorError) return e;
    throw e;
  }
  throw new Error('expected a TailorError');
}

describe('planCorpus', () => {
  it('takes sources and validation devices from the newest file with splits, among tabled devices', () => {
    const plan = planCorpus(request());
    expect(plan.sources).toEqual(['a1', 'b1']);
    expect(plan.validation).toEqual(['a2']);
  });

  it('aligns tables from two files on their shared archs, in the newest file order, and drops ranges', () => {
    const plan = planCorpus(request());
    expect(plan.archKeys).toEqual(keys.slice(50, 300));
    expect(plan.referenceKeys).toEqual(keys.slice(100, 110));
    expect(plan.ranges).toBeUndefined();
  });

  it('keeps the protocol ranges when every device comes from one file', () => {
    const plan = planCorpus(request({ sourceDevices: ['a1'], validationDevices: ['a2'] }));
    expect(plan.archKeys).toEqual(keys.slice(0, 300));
    expect(plan.ranges).toEqual(newer.protocolRanges);
  });

  it('without splits, every tabled device not held out is a source', () => {
    const plain = { ...newer, splits: null };
    const plan = planCorpus(
      request({
        datasets: new Map([
          [plain.id, plain],
          [older.id, older],
        ]),
        validationDevices: ['b1'],
      }),
    );
    expect(plan).toMatchObject({ sources: ['a1', 'a2'], validation: ['b1'] });
  });

  it('falls back to the given reference archs, which must be in every table', () => {
    const bare = { ...newer, referenceArchKeys: null };
    const datasets = new Map([
      [bare.id, bare],
      [older.id, older],
    ]);
    expect(planCorpus(request({ datasets })).referenceKeys).toEqual(keys.slice(200, 210));
    const err = errorOf(() => planCorpus(request({ datasets, fallbackReferences: () => keys.slice(0, 10) })));
    expect(err).toMatchObject({ code: 'UNPROCESSABLE', field: 'searchSpace' });
    expect(err.message).toContain(keys[0]);
  });

  it('names the device that is unknown to the tables, listed twice, or both source and validation', () => {
    expect(errorOf(() => planCorpus(request({ sourceDevices: ['a1', 'zz'] })))).toMatchObject({
      code: 'UNPROCESSABLE',
      field: 'sourceDevices[1]',
    });
    expect(errorOf(() => planCorpus(request({ sourceDevices: ['a1', 'a1'] })))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'sourceDevices[1]',
    });
    expect(
      errorOf(() => planCorpus(request({ sourceDevices: ['a1'], validationDevices: ['a2', 'a1'] }))),
    ).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'validationDevices[1]' });
  });

  it('refuses a space without tables and a request that leaves no source', () => {
    expect(errorOf(() => planCorpus(request({ tables: new Map() })))).toMatchObject({
      code: 'UNPROCESSABLE',
      field: 'searchSpace',
    });
    expect(errorOf(() => planCorpus(request({ validationDevices: ['a1', 'a2', 'b1'] })))).toMatchObject({
      code: 'UNPROCESSABLE',
      field: 'sourceDevices',
    });
  });
});

describe('buildCorpus', () => {
  it('reads each device value at its own file position of the aligned arch', () => {
    const plan = planCorpus(request());
    const valuesOf = (d: CorpusDataset, offset: number) => d.archKeys.map((k) => keys.indexOf(k) + offset);
    const tables = new Map([
      ['a1', { datasetId: 'ds-new', values: valuesOf(newer, 1000) }],
      ['a2', { datasetId: 'ds-new', values: valuesOf(newer, 2000) }],
      ['b1', { datasetId: 'ds-old', values: valuesOf(older, 3000) }],
    ]);
    const corpus = buildCorpus(space, plan, tables, request().datasets);
    const expected = (offset: number) => plan.archKeys.map((k) => keys.indexOf(k) + offset);
    expect(corpus.devices).toEqual({ a1: expected(1000), b1: expected(3000), a2: expected(2000) });
    expect(corpus.referenceIndex).toEqual(Array.from({ length: 10 }, (_, i) => 50 + i));
    expect(corpus.features).toHaveLength(250);
    expect(corpus.features[0].length).toBeGreaterThan(space.encodingLength);
  });
});
