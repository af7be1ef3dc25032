import * as fs from 'node:fs';
import * as path from 'node:path';
import { SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';
import { parseDatasetFile } from './dataset-file-parser';
import type { AccuracyDataset, LatencyDataset, SpaceResolver } from './dataset-types';
import { parseLatencyTable } from './latency-table-parser';
import { expectInvalid } from './testing/expect-invalid';
import { fakeResolveSpace } from './testing/fake-space-resolver';
import { NB201_ARCHS, latencySample } from './testing/sample-tables';
import { AccuracyLookup, LatencyLookup } from './value-lookup';

// The shared data lives beside the repository and is never copied into it.
const DATA = path.resolve(__dirname, '../../../../shared/data');
const file = (rel: string) => path.join(DATA, rel);
const haveData =
  fs.existsSync(file('help/nasbench201.json')) && fs.existsSync(file('nasbench201/accuracy.json'));

const read = (rel: string) => fs.readFileSync(file(rel));
const referenceIndicesOf = (rel: string) =>
  JSON.parse(read(rel).toString('utf8')).hardwareEmbeddingIndex as number[];

function checkRealFiles(resolve: SpaceResolver): void {
  it('imports HELP nasbench201.json whole, near-zero pixel3 latencies included', () => {
    const ds = parseDatasetFile(read('help/nasbench201.json'), resolve, { fileName: 'nasbench201.json' });
    expect(ds.kind).toBe('latency');
    const lat = ds as LatencyDataset;
    expect(lat).toMatchObject({ searchSpace: 'nasbench201', duplicates: 0 });
    expect(lat.archKeys).toHaveLength(15625);
    expect(lat.devices.map((d) => d.id)).toHaveLength(13);
    expect(lat.referenceArchIndices).toEqual(referenceIndicesOf('help/nasbench201.json'));
    expect(lat.splits?.metaTest).toContain('pixel2');
    const pixel3 = lat.summary.perDevice.find((d) => d.id === 'pixel3')!;
    expect(pixel3.min).toBeGreaterThan(0);
    expect(pixel3.min).toBeLessThan(0.004); // the README's "0.003 ms", rounded
    expect(lat.devices.find((d) => d.id === '1080ti_256')).toMatchObject({ batchSize: 256 });
    const lookup = LatencyLookup.forDevice(lat, 'pixel3');
    expect(lookup.size).toBe(15625);
    expect(lookup.percentile(0)).toBe(pixel3.min);

    const acc = parseDatasetFile(read('nasbench201/accuracy.json'), resolve) as AccuracyDataset;
    expect(acc.kind).toBe('accuracy');
    // Same official order in both files, so the canonical keys line up index by index.
    expect(acc.archKeys).toEqual(lat.archKeys);
    expect(acc.metrics.map((m) => m.dataset)).toEqual(['cifar10', 'cifar100', 'imagenet16_120']);
    expect(AccuracyLookup.forMetric(acc, 'cifar100').percentile(100)).toBeCloseTo(73.51, 2);
    expect(AccuracyLookup.forMetric(acc, 'cifar10').percentile(100)).toBeCloseTo(94.37, 2);
  });

  it('imports HELP fbnet.json', () => {
    const ds = parseDatasetFile(read('help/fbnet.json'), resolve) as LatencyDataset;
    expect(ds).toMatchObject({ kind: 'latency', searchSpace: 'fbnet', duplicates: 0 });
    expect(ds.archKeys).toHaveLength(5000);
    expect(ds.devices).toHaveLength(13);
    expect(ds.referenceArchIndices).toEqual(referenceIndicesOf('help/fbnet.json'));
  });

  it('imports HELP ofa.json as ofa-mbv3', () => {
    const ds = parseDatasetFile(read('help/ofa.json'), resolve) as LatencyDataset;
    expect(ds).toMatchObject({ kind: 'latency', searchSpace: 'ofa-mbv3', duplicates: 0 });
    expect(ds.archKeys).toHaveLength(5000);
    expect(ds.devices.map((d) => d.id)).toContain('titan_rtx_32');
    expect(ds.devices).toHaveLength(11);
  });

  it('rejects a real file with one bad latency, naming the device and index', () => {
    const json = JSON.parse(read('help/fbnet.json').toString('utf8'));
    json.devices.pixel3[4321] = -1;
    expectInvalid(() => parseLatencyTable(json, resolve), 'devices.pixel3[4321]', 'got -1');
  });
}

(haveData ? describe : describe.skip)('real shared data with the test resolver', () => {
  checkRealFiles(fakeResolveSpace);
});

(haveData ? describe : describe.skip)('real shared data with the real search spaces', () => {
  const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
  const resolve: SpaceResolver = (id) => registry.get(id);
  checkRealFiles(resolve);

  it('reports a bad arch with its index and value, and an unknown space', () => {
    const json = latencySample();
    json.archs[2] = '|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|';
    // The real space may add its own sub-path, e.g. archs[2][0] for the first edge.
    expectInvalid(() => parseLatencyTable(json, resolve), /^archs\[2\]/, 'conv_9x9');
    expectInvalid(
      () => parseLatencyTable({ ...latencySample(), searchSpace: 'darts' }, resolve),
      'searchSpace',
      '"darts"',
    );
    expect(parseLatencyTable(latencySample(), resolve).archKeys).toHaveLength(NB201_ARCHS.length);
  });
});
