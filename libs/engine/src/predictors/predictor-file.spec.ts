import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseLatencyTable } from '@tailor/datasets';
import { corpusFromDataset, trainPredictor } from '@tailor/predictors';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import {
  checkPredictorFile,
  featureSignature,
  PREDICTOR_FILE_FORMAT,
  type PredictorFile,
  SHIPPED_PREDICTORS,
  shippedPredictorFiles,
} from './predictor-file';

jest.setTimeout(120_000);

const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
const spaceOf = (id: string, field: string) => registry.get(id, field);
const ROOT = dirname(defaultSearchSpacesDir());
const FARM_FILE = join(ROOT, 'device-farm/data/fmnist-mbv3-farm.json');

/** A tiny but real predictor file: 2 meta-training steps on two farm devices. */
async function tinyFile(): Promise<PredictorFile> {
  const space = registry.get('fmnist-mbv3');
  const dataset = parseLatencyTable(JSON.parse(readFileSync(FARM_FILE, 'utf8')), (id) => registry.get(id));
  const corpus = corpusFromDataset(space, dataset);
  const trained = await trainPredictor({
    corpus,
    sources: ['farm_onnxruntime_t1_b1', 'farm_tfjs_cpu_t1_b1'],
    validation: ['farm_onnxruntime_t2_b1'],
    options: { steps: 2, members: 1, validateEvery: 1 },
  });
  return {
    format: PREDICTOR_FILE_FORMAT,
    version: 1,
    searchSpace: 'fmnist-mbv3',
    trainedAt: new Date().toISOString(),
    trainFile: { name: 'fmnist-mbv3-farm.json', sha256: 'ab'.repeat(32) },
    sources: ['farm_onnxruntime_t1_b1', 'farm_tfjs_cpu_t1_b1'],
    validation: trained.validation,
    options: { steps: 2, members: 1, seed: 0 },
    features: featureSignature(space),
    snapshot: trained.snapshot,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form edits of a JSON copy
type Editable = Record<string, any>;

/** A deep copy with one change. */
function altered(file: PredictorFile, change: (f: Editable) => void): unknown {
  const copy = JSON.parse(JSON.stringify(file)) as Editable;
  change(copy);
  return copy;
}

describe('checkPredictorFile', () => {
  let file: PredictorFile;
  beforeAll(async () => {
    file = await tinyFile();
  });

  it('accepts a file written from trainPredictor, after a JSON round trip', async () => {
    const checked = await checkPredictorFile(JSON.parse(JSON.stringify(file)), spaceOf);
    expect(checked).toMatchObject({
      format: 'tailor-predictor-file',
      searchSpace: 'fmnist-mbv3',
      sources: file.sources,
    });
    expect(Object.keys(checked.validation)).toEqual(['farm_onnxruntime_t2_b1']);
  });

  it.each([
    ['not an object', () => [1, 2], /^file: must be a JSON object/],
    ['another format', (f: PredictorFile) => altered(f, (c) => (c.format = 'help')), /^format: must be/],
    ['another version', (f: PredictorFile) => altered(f, (c) => (c.version = 2)), /^version: must be 1/],
    [
      'no trainedAt',
      (f: PredictorFile) => altered(f, (c) => delete c.trainedAt),
      /^trainedAt: must be an ISO date/,
    ],
    [
      'no trainFile hash',
      (f: PredictorFile) => altered(f, (c) => delete c.trainFile.sha256),
      /^trainFile: must be/,
    ],
    ['no sources', (f: PredictorFile) => altered(f, (c) => (c.sources = [])), /^sources: must be/],
    [
      'a non-numeric validation',
      (f: PredictorFile) => altered(f, (c) => (c.validation = { a: 'high' })),
      /^validation: must map/,
    ],
    [
      'no feature signature',
      (f: PredictorFile) => altered(f, (c) => delete c.features),
      /^features: must be \{count, sha256\}/,
    ],
    [
      'weights for features of another definition',
      (f: PredictorFile) => altered(f, (c) => (c.features.sha256 = '0'.repeat(64))),
      /^features: the file was trained on \d+ arch features of another definition; .* retrain it/,
    ],
    [
      'a snapshot of another format',
      (f: PredictorFile) => altered(f, (c) => (c.snapshot.format = 'x')),
      /^snapshot: must be a tailor-latency-predictor snapshot/,
    ],
    [
      'a snapshot of another space',
      (f: PredictorFile) => altered(f, (c) => (c.snapshot.searchSpace = 'nasbench201')),
      /^snapshot.searchSpace: is "nasbench201", the file is for fmnist-mbv3/,
    ],
    [
      'a reference arch outside the space',
      (f: PredictorFile) => altered(f, (c) => (c.snapshot.referenceArchs[3] = 'w9-d1')),
      /^snapshot.referenceArchs\[3\]/,
    ],
    [
      'no members',
      (f: PredictorFile) => altered(f, (c) => (c.snapshot.members = [])),
      /^snapshot.members: must hold at least one member/,
    ],
    [
      'truncated weights',
      (f: PredictorFile) =>
        altered(f, (c) => {
          const weights = c.snapshot.members[0] as Record<string, { data: string }>;
          const first = Object.keys(weights)[0];
          weights[first].data = weights[first].data.slice(0, 8);
        }),
      /^snapshot: does not (load|predict)/,
    ],
    [
      'features of another dimension',
      (f: PredictorFile) => altered(f, (c) => c.snapshot.referenceFeatures.forEach((r: number[]) => r.pop())),
      /^snapshot: does not (load|predict)/,
    ],
  ])('refuses %s, naming the field', async (_, make, message) => {
    await expect(checkPredictorFile(make(file), spaceOf)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(message),
    });
  });

  it('refuses an unknown search space with 404 on searchSpace', async () => {
    const bad = altered(file, (c) => (c.searchSpace = 'imagenet-xl'));
    await expect(checkPredictorFile(bad, spaceOf)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'searchSpace',
    });
  });
});

describe('shippedPredictorFiles', () => {
  it('finds the shipped files beside the repository root', () => {
    expect(SHIPPED_PREDICTORS.map((s) => s.searchSpace)).toEqual(['fmnist-mbv3']);
    expect(shippedPredictorFiles()).toEqual([
      { searchSpace: 'fmnist-mbv3', path: join(ROOT, 'device-farm/data/fmnist-mbv3-predictor.json') },
    ]);
  });

  it('ships a valid fmnist-mbv3 predictor of the farm dataset, small enough to keep in git', async () => {
    const [shipped] = shippedPredictorFiles();
    const text = readFileSync(shipped.path, 'utf8');
    expect(text.length).toBeLessThan(2 * 1024 * 1024);
    const file = await checkPredictorFile(JSON.parse(text), spaceOf);
    expect(file).toMatchObject({ searchSpace: 'fmnist-mbv3', trainFile: { name: 'fmnist-mbv3-farm.json' } });
    expect(file.trainFile.sha256).toBe(createHash('sha256').update(readFileSync(FARM_FILE)).digest('hex'));
  });

  it('finds none outside a checkout', () => {
    expect(shippedPredictorFiles('/')).toEqual([]);
  });
});
