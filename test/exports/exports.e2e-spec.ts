import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'superagent';
import { ExportRunner } from '@tailor/engine';
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist, loadTfjsModel, makeBatch, predictTfjs, runOnnx, top1Correct } from '@tailor/nn';
import { ExportsRepository, SupernetsRepository } from '@tailor/persistence';
import { type AuthedAgent, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

/** The tiny supernet of test/supernets: two phases of two 16-image steps, seconds on wasm. */
const TINY = {
  searchSpace: 'fmnist-mbv3',
  epochs: { full: 1, kernel: 1, depth: 0, expand: 0 },
  imagesPerEpoch: 32,
  batchSize: 16,
  calibrationImages: 32,
  validationImages: 64,
};
const SMALLEST = 'w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x';
/** Fewer images than the defaults (2,000 and the whole test set) keep an export to seconds. */
const EVALUATION = { calibrationImages: 256, seed: 0, testImages: 500 };

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function poll(agent: AuthedAgent, path: string, done: (b: Body) => boolean): Promise<Body> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { body } = await agent.get(path).expect(200);
    if (done(body)) return body;
    if (body.status === 'failed' || Date.now() > deadline)
      throw new Error(`${path}: gave up waiting at ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Collects a body of any content type as a Buffer (superagent only buffers the types it knows). */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('subnet exports over REST (embedded defaults)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-exports-'));
  let t: TestServer;
  let supernet = '';
  const stored = async () => t.server.app.get(ExportsRepository).count();
  const folders = () => (existsSync(join(dataDir, 'exports')) ? readdirSync(join(dataDir, 'exports')) : []);
  const download = (id: string, format: string) =>
    t.admin().get(`/exports/${id}/download?format=${format}`).buffer(true).parse(binary);

  beforeAll(async () => {
    t = await startTestServer({ dataDir });
    t.server.app.get(ExportRunner).evaluation = EVALUATION;
    const started = Date.now();
    supernet = (await t.admin().post('/supernets').send(TINY).expect(202)).body.id;
    await poll(t.admin(), `/supernets/${supernet}`, (s) => s.status === 'succeeded');
    console.log(`tiny supernet trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const UNKNOWN = '00000000-0000-4000-8000-000000000000';
  it.each<[string, number, string, () => string, Body]>([
    ['an unknown supernet', 404, 'supernet', () => UNKNOWN, { arch: SMALLEST }],
    ['a malformed arch', 400, 'arch', () => supernet, { arch: 'w0.5-d1' }],
    ['an arch of another space', 400, 'arch', () => supernet, { arch: '|nor_conv_3x3~0|+|none~0|' }],
    ['a kernel the space lacks', 400, 'arch.ks[0]', () => supernet, { arch: SMALLEST.replace('ks3', 'ks9') }],
    ['no arch', 400, 'arch', () => supernet, { formats: ['onnx'] }],
    ['no formats', 400, 'formats', () => supernet, { arch: SMALLEST, formats: [] }],
    ['an unknown format', 400, 'formats', () => supernet, { arch: SMALLEST, formats: ['onnx', 'pytorch'] }],
    ['formats as a string', 400, 'formats', () => supernet, { arch: SMALLEST, formats: 'onnx' }],
    ['an unknown field', 400, 'opset', () => supernet, { arch: SMALLEST, opset: 17 }],
  ])('refuses %s with %i naming %s, storing nothing', async (_, status, field, id, body) => {
    const res = await t.admin().post(`/supernets/${id()}/exports`).send(body).expect(status);
    expect(res.body.field).toBe(field);
    expect(await stored()).toBe(0);
    expect(folders()).toEqual([]);
  });

  it('refuses a supernet that has not succeeded with 409 naming supernet', async () => {
    const queued = await t.server.app
      .get(SupernetsRepository)
      .create({ searchSpace: 'fmnist-mbv3', config: {}, createdBy: null }, (id) =>
        join(dataDir, 'never', id),
      );
    const res = await t.admin().post(`/supernets/${queued.id}/exports`).send({ arch: SMALLEST }).expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', field: 'supernet' });
    expect(await stored()).toBe(0);
    await t.admin().get(`/exports/${UNKNOWN}`).expect(404);
    await t.admin().get(`/exports/${UNKNOWN}/download?format=onnx`).expect(404);
  });

  it('exports a subnet in both formats, verified, and serves each file with its sha256 as ETag', async () => {
    const started = Date.now();
    const created = await t
      .admin()
      .post(`/supernets/${supernet}/exports`)
      .send({ arch: SMALLEST })
      .expect(202);
    const id: string = created.body.id;
    expect(created.body).toMatchObject({ status: 'queued', arch: SMALLEST, formats: ['onnx', 'tfjs'] });
    const stages = new Set<string>();
    const done = await poll(t.admin(), `/exports/${id}`, (e) => {
      if (e.progress) stages.add(e.progress.stage);
      return e.status === 'succeeded';
    });
    console.log(
      `export verified in ${((Date.now() - started) / 1000).toFixed(1)} s (stages seen: ${[...stages]})`,
    );
    const r = done.result;
    expect(r).toMatchObject({
      calibration: { images: 256, seed: 0 },
      testImages: 500,
      latency: null,
      onnx: { opset: 13, files: [{ name: 'model.onnx' }] },
      tfjs: { archive: { name: 'tfjs.tar' } },
    });
    expect(r.tfjs.files.map((f: Body) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    for (const acc of [r.onnx.accuracy, r.tfjs.accuracy])
      expect(Math.abs(acc - r.subnetAccuracy)).toBeLessThanOrEqual(0.001);
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(r.params).toBeGreaterThan(0);
    expect(r.flops).toBeGreaterThan(0);
    expect(done.progress).toMatchObject({ stage: 'verifying', stageIndex: 3, stages: 4 });

    const stem = `w0.75-d1111-ks3333-e2222-${id.slice(0, 8)}`;
    const onnx = await download(id, 'onnx').expect(200);
    const onnxBytes = onnx.body as Buffer;
    expect(onnx.headers['content-disposition']).toBe(`attachment; filename="${stem}.onnx"`);
    expect(onnx.headers.etag).toBe(`"${sha256(onnxBytes)}"`);
    expect(onnx.headers.etag).toBe(`"${r.onnx.files[0].sha256}"`);
    expect(onnxBytes.length).toBe(r.onnx.files[0].bytes);
    expect(done.downloads.onnx).toEqual({
      fileName: `${stem}.onnx`,
      bytes: onnxBytes.length,
      sha256: sha256(onnxBytes),
    });
    for (const header of [
      onnx.headers.etag,
      `W/${onnx.headers.etag}`,
      `"other", ${onnx.headers.etag}`,
      '*',
    ]) {
      const again = await download(id, 'onnx').set('If-None-Match', header).expect(304);
      expect(again.headers.etag).toBe(onnx.headers.etag);
      expect((again.body as Buffer).length).toBe(0);
    }
    await download(id, 'onnx').set('If-None-Match', '"stale"').expect(200);

    const tar = await download(id, 'tfjs').expect(200).expect('Content-Type', 'application/x-tar');
    const tarBytes = tar.body as Buffer;
    expect(tar.headers['content-disposition']).toBe(`attachment; filename="${stem}.tar"`);
    expect(tar.headers.etag).toBe(`"${sha256(tarBytes)}"`);
    expect(sha256(tarBytes)).toBe(r.tfjs.archive.sha256);
    await download(id, 'tfjs').set('If-None-Match', tar.headers.etag).expect(304);
    const unpacked = join(dataDir, 'unpacked');
    mkdirSync(unpacked);
    writeFileSync(join(unpacked, 'model.tar'), tarBytes);
    const listing = execFileSync('tar', ['-tf', 'model.tar'], { cwd: unpacked, encoding: 'utf8' });
    expect(listing.trim().split('\n')).toEqual(['model.json', 'group1-shard1of1.bin']);
    execFileSync('tar', ['-xf', 'model.tar'], { cwd: unpacked });

    // The downloaded bytes reproduce what the export reported, on the very images it was scored on.
    const test = loadFashionMnist().test;
    const batch = makeBatch(
      test,
      Array.from({ length: EVALUATION.testImages }, (_, i) => i),
    );
    const out = await runOnnx(onnxBytes, batch.x, batch.shape);
    expect(top1Correct(out.data, 10, batch.labels) / EVALUATION.testImages).toBe(r.onnx.accuracy);
    const few = 16;
    const tensors = tf.memory().numTensors;
    const model = await loadTfjsModel(unpacked);
    const logits = predictTfjs(model, batch.x.subarray(0, few * 28 * 28), few);
    model.dispose();
    const diff = Math.max(...Array.from(logits, (v, i) => Math.abs(v - out.data[i])));
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('answers 409 until an export has succeeded, 400 for an unknown format, 404 for a format not exported', async () => {
    const body = { arch: SMALLEST, formats: ['onnx', 'onnx'] };
    const { id, formats } = (await t.admin().post(`/supernets/${supernet}/exports`).send(body).expect(202))
      .body;
    expect(formats).toEqual(['onnx']);
    const early = await download(id, 'onnx').expect(409);
    expect(JSON.parse(early.body.toString())).toMatchObject({ code: 'CONFLICT' });
    const done = await poll(t.admin(), `/exports/${id}`, (e) => e.status === 'succeeded');
    expect(done.result.tfjs).toBeUndefined();
    // The TF.js side of the comparison ran from a scratch copy; only model.onnx stays.
    expect(Number.isFinite(done.result.maxAbsDiff)).toBe(true);
    expect(readdirSync(done.dir)).toEqual(['model.onnx']);
    const missing = await download(id, 'tfjs').expect(404);
    expect(JSON.parse(missing.body.toString())).toMatchObject({ field: 'format' });
    const bad = await download(id, 'pt').expect(400);
    expect(JSON.parse(bad.body.toString())).toMatchObject({ field: 'format' });
    await download(id, 'onnx').expect(200);
  });
});
