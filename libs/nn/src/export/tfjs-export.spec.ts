import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TailorError } from '@tailor/common';
import { buildNetwork } from '../build-network';
import { predictTfjs, toTfjs } from '../tfjs-emitter';
import { loadSpaces, seededInput } from '../testing/parity';
import { sha256 } from './export-files';
import { DEFAULT_SHARD_BYTES, TFJS_MODEL_FILE } from './tfjs-directory-handler';
import { loadTfjsModel, writeTfjsModel } from './tfjs-export';

const fmnist = loadSpaces().get('fmnist-mbv3');
/** The space's smallest subnet (~30k params, ~120 KB of weights): one file write in a few ms. */
const SMALLEST = fmnist.parse('w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x');
const graph = buildNetwork(fmnist, SMALLEST, { seed: 11 });
const BATCH = 8;
const input = seededInput(BATCH * 28 * 28, 3);

let work: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'tailor-tfjs-export-'));
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

function reference(): Float32Array {
  const model = toTfjs(graph);
  try {
    return predictTfjs(model, input, BATCH);
  } finally {
    model.dispose();
  }
}

describe('writeTfjsModel', () => {
  it('writes model.json in the tfjs-node layout plus shards no larger than 4 MiB, hashed', async () => {
    const before = tf.memory().numTensors;
    const out = await writeTfjsModel(graph, work);
    expect(tf.memory().numTensors).toBe(before);

    expect(out.files.map((f) => f.name)).toEqual([TFJS_MODEL_FILE, 'group1-shard1of1.bin']);
    expect(readdirSync(work).sort()).toEqual(['group1-shard1of1.bin', TFJS_MODEL_FILE]);
    for (const f of out.files) {
      const data = readFileSync(f.path);
      expect(f.path).toBe(join(work, f.name));
      expect(f.size).toBe(data.length);
      expect(f.sha256).toBe(sha256(data));
      if (f.name.endsWith('.bin')) expect(f.size).toBeLessThanOrEqual(DEFAULT_SHARD_BYTES);
    }

    const json = JSON.parse(readFileSync(join(work, TFJS_MODEL_FILE), 'utf8'));
    expect(Object.keys(json)).toEqual([
      'modelTopology',
      'format',
      'generatedBy',
      'convertedBy',
      'weightsManifest',
    ]);
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v/);
    expect(json.convertedBy).toBeNull();
    expect(json.modelTopology.class_name).toBe('Model');
    expect(json.weightsManifest).toHaveLength(1);
    const [group] = json.weightsManifest;
    expect(group.paths).toEqual(['group1-shard1of1.bin']);
    const specs = group.weights as { shape: number[]; dtype: string }[];
    expect(new Set(specs.map((w) => w.dtype))).toEqual(new Set(['float32']));
    const floats = specs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(out.files[1].size).toBe(4 * floats);
  });

  it('reloads from disk to a model giving exactly the in-memory outputs, without leaking tensors', async () => {
    const expected = reference();
    const before = tf.memory().numTensors;
    await writeTfjsModel(graph, work);
    const model = await loadTfjsModel(work);
    const actual = predictTfjs(model, input, BATCH);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(actual).toEqual(expected);
  });

  it('splits the weights into shards of at most shardBytes that reload to the same model', async () => {
    const out = await writeTfjsModel(graph, work, { shardBytes: 32 * 1024 });
    const shards = out.files.slice(1);
    const total = shards.reduce((n, f) => n + f.size, 0);
    expect(shards.length).toBe(Math.ceil(total / (32 * 1024)));
    expect(shards.map((f) => f.name)).toEqual(
      shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`),
    );
    shards.forEach((f) => expect(f.size).toBeLessThanOrEqual(32 * 1024));

    const model = await loadTfjsModel(work);
    const actual = predictTfjs(model, input, BATCH);
    model.dispose();
    expect(actual).toEqual(reference());
  });

  it('writes byte-identical files for the same graph', async () => {
    const a = await writeTfjsModel(graph, join(work, 'a'));
    const b = await writeTfjsModel(graph, join(work, 'b'));
    expect(b.files.map((f) => [f.name, f.sha256])).toEqual(a.files.map((f) => [f.name, f.sha256]));
  });

  it.each([
    ['an empty dir', '', {}, 'dir: must be a non-empty directory path, got ""'],
    [
      'a shard size that is not a multiple of 4',
      'x',
      { shardBytes: 1001 },
      'shardBytes: must be a positive multiple of 4, got 1001',
    ],
  ])('rejects %s with a typed error, creating nothing', async (_case, dir, opts, message) => {
    const err = await writeTfjsModel(graph, dir && join(work, dir), opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TailorError);
    expect((err as Error).message).toContain(message);
    expect(readdirSync(work)).toEqual([]);
  });
});

describe('loadTfjsModel', () => {
  it('reports a missing model.json as NOT_FOUND', async () => {
    await expect(loadTfjsModel(work)).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'dir' });
  });

  it('reports a missing shard as NOT_FOUND', async () => {
    const out = await writeTfjsModel(graph, work);
    rmSync(out.files[1].path);
    await expect(loadTfjsModel(work)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('"group1-shard1of1.bin" missing'),
    });
  });

  it('refuses shard paths that leave the model folder', async () => {
    await writeTfjsModel(graph, work);
    const path = join(work, TFJS_MODEL_FILE);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.weightsManifest[0].paths = ['../elsewhere.bin'];
    writeFileSync(path, JSON.stringify(json));
    await expect(loadTfjsModel(work)).rejects.toThrow(
      'weightsManifest.paths: "../elsewhere.bin" points outside',
    );
  });
});
