import { parseLatencyTable } from './latency-table-parser';
import { expectInvalid } from './testing/expect-invalid';
import { fakeResolveSpace } from './testing/fake-space-resolver';
import { NB201_ARCHS, latencySample, ofaArch } from './testing/sample-tables';

const parse = (json: unknown, fileName?: string) => parseLatencyTable(json, fakeResolveSpace, { fileName });

describe('parseLatencyTable', () => {
  it('returns the typed table of a valid file', () => {
    const ds = parse(latencySample(), 'mine.json');
    expect(ds).toMatchObject({
      kind: 'latency',
      searchSpace: 'nasbench201',
      archKeys: NB201_ARCHS,
      archs: NB201_ARCHS,
      referenceArchIndices: [3, 0],
      duplicates: 0,
      splits: { metaTrain: ['pixel3'], metaValid: ['1080ti_1'], metaTest: ['raspi4'], unassigned: [] },
    });
    expect(ds.devices).toEqual([
      {
        id: 'pixel3',
        hardware: 'Google Pixel 3',
        batchSize: null,
        info: { valueType: 'float ms' },
        values: [3.6, 17.2, 0.003, 9],
      },
      {
        id: '1080ti_1',
        hardware: 'NVIDIA GTX 1080 Ti',
        batchSize: 1,
        info: {},
        values: [10.7, 12.9, 1.5, 8.25],
      },
    ]);
    expect(ds.summary).toMatchObject({
      fileName: 'mine.json',
      archsInFile: 4,
      archs: 4,
      devices: 2,
      sourceUnit: 'ms',
    });
    expect(ds.summary.perDevice[0]).toEqual({ id: 'pixel3', min: 0.003, median: (3.6 + 9) / 2, max: 17.2 });
  });

  it('treats optional parts as optional', () => {
    const json = latencySample();
    for (const key of ['hardwareEmbeddingIndex', 'splits', 'devicesInThisFile', 'deviceInfo'])
      delete json[key];
    const ds = parse(json);
    expect(ds.referenceArchIndices).toEqual([]);
    expect(ds.splits).toBeUndefined();
    expect(ds.devices[0]).toMatchObject({ hardware: null, batchSize: null, info: {} });
  });

  it.each([
    ['s', 1000],
    ['us', 0.001],
  ])('converts %s to ms', (unit, factor) => {
    const ds = parse({ ...latencySample(), latencyUnit: unit });
    expect(ds.devices[1].values).toEqual([10.7, 12.9, 1.5, 8.25].map((x) => x * factor));
    expect(ds.summary.sourceUnit).toBe(unit);
  });

  it('maps the HELP space name ofa to ofa-mbv3, keeps the first of duplicate archs and remaps references', () => {
    const a = ofaArch([2, 2, 2, 2, 2], 3);
    const aInactiveDiffers = ofaArch([2, 2, 2, 2, 2], 3);
    aInactiveDiffers.ks[3] = 7; // stage 0 has depth 2, so layer 3 does not run
    const b = ofaArch([4, 2, 2, 2, 2], 5);
    const json = {
      ...latencySample(),
      searchSpace: 'ofa',
      numArchs: 3,
      archs: [a, aInactiveDiffers, b],
      hardwareEmbeddingIndex: [1, 2],
      devices: { v100_1: [5, 6, 7] },
      devicesInThisFile: ['v100_1'],
      deviceInfo: {},
      splits: undefined,
    };
    const ds = parse(json);
    expect(ds.searchSpace).toBe('ofa-mbv3');
    expect(ds.duplicates).toBe(1);
    expect(ds.archs).toEqual([a, b]);
    // The duplicate measured 6 ms; the first occurrence's 5 ms is kept.
    expect(ds.devices[0].values).toEqual([5, 7]);
    expect(ds.referenceArchIndices).toEqual([0, 1]);
    expect(ds.summary).toMatchObject({ archsInFile: 3, archs: 2 });
    expect(parse({ ...json, searchSpace: 'ofa-mbv3' }).searchSpace).toBe('ofa-mbv3');

    expectInvalid(
      () => parse({ ...json, hardwareEmbeddingIndex: [0, 1] }),
      'hardwareEmbeddingIndex[1]',
      'got 1',
    );
  });

  describe('rejects', () => {
    it('a device column of the wrong length', () => {
      const json = latencySample();
      json.devices.pixel3.pop();
      expectInvalid(() => parse(json), 'devices.pixel3', 'got 3');
    });

    it.each([
      [NaN, 'NaN'],
      [-2, '-2'],
      [0, 'got 0'],
      [Infinity, 'Infinity'],
      ['12', '"12"'],
      [null, 'null'],
    ])('latency %p', (bad, shown) => {
      const json = latencySample();
      json.devices.pixel3[1] = bad;
      const err = expectInvalid(() => parse(json, 'up.json'), 'devices.pixel3[1]', shown);
      expect(err.message).toContain('up.json');
      expect(err.details).toMatchObject({ file: 'up.json' });
    });

    it('a bad arch, naming its index', () => {
      const json = latencySample();
      json.archs[2] = '|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|';
      expectInvalid(() => parse(json), 'archs[2]', 'conv_9x9');
    });

    it('an unknown search space', () => {
      expectInvalid(() => parse({ ...latencySample(), searchSpace: 'resnet' }), 'searchSpace', '"resnet"');
    });

    it('a device id that is not a slug', () => {
      const json = latencySample();
      json.devices['Pixel 3'] = json.devices.pixel3;
      expectInvalid(() => parse(json), 'devices', '"Pixel 3"');
    });

    it.each([
      ['schemaVersion', 2, 'schemaVersion', 'got 2'],
      ['latencyUnit', 'ns', 'latencyUnit', '"ns"'],
      ['numArchs', 5, 'numArchs', 'got 5'],
      ['archs', [], 'archs', 'got []'],
      ['devices', {}, 'devices', 'got {}'],
      ['devices', [1], 'devices', 'got [1]'],
      ['devicesInThisFile', ['pixel3'], 'devicesInThisFile', '"1080ti_1"'],
      ['devicesInThisFile', ['pixel3', '1080ti_1', 'pixel2'], 'devicesInThisFile[2]', '"pixel2"'],
      ['deviceInfo', { pixel2: {} }, 'deviceInfo.pixel2', '"pixel2"'],
      ['deviceInfo', { pixel3: { batchSize: 1.5 } }, 'deviceInfo.pixel3.batchSize', '1.5'],
      ['deviceInfo', { pixel3: 'phone' }, 'deviceInfo.pixel3', '"phone"'],
      ['hardwareEmbeddingIndex', [4], 'hardwareEmbeddingIndex[0]', 'got 4'],
      ['hardwareEmbeddingIndex', [1, 1], 'hardwareEmbeddingIndex[1]', 'got 1'],
      ['splits', { metaTrain: ['a'], extra: [] }, 'splits.extra', '"extra"'],
      ['splits', { metaTrain: ['a'], metaTest: ['a'] }, 'splits.metaTest[0]', '"a"'],
    ])('%s = %j', (key, value, field, shown) => {
      expectInvalid(() => parse({ ...latencySample(), [key]: value }), field, shown);
    });

    it('a document that is not an object', () => {
      expectInvalid(() => parse([1, 2]), '(root)', '[1,2]');
    });
  });

  it('reports several problems at once, capped at maxIssues', () => {
    const json = latencySample();
    json.devices.pixel3 = [-1, -2, -3, -4];
    json.devices['1080ti_1'][0] = 'x';
    const err = expectInvalid(() => parse(json), 'devices.pixel3[0]', '-1');
    expect(err.message).toContain('and 4 more');
    expect(err.details).toMatchObject({ truncated: true });
    expect((err.details!.issues as unknown[]).length).toBe(5);

    const few = expectInvalid(
      () => parseLatencyTable(json, fakeResolveSpace, { maxIssues: 100 }),
      'devices.pixel3[0]',
      'devices.1080ti_1[0]: must be a finite number > 0 (ms), got "x"',
    );
    expect(few.details).toMatchObject({ truncated: false });
  });
});
