import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSearchSpacesDir } from '@tailor/search-spaces';
import { type AuthedAgent, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(300_000);

/** Two phases of two 16-image steps each, scored on a few images: seconds on wasm. */
const TINY = {
  searchSpace: 'fmnist-mbv3',
  epochs: { full: 1, kernel: 1, depth: 0, expand: 0 },
  imagesPerEpoch: 32,
  batchSize: 16,
  calibrationImages: 32,
  validationImages: 64,
};
const ENDED = ['succeeded', 'failed', 'cancelled'];

type Supernet = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Polls until `until` holds; gives up when the supernet ended otherwise (unless `pastEnd`). */
async function poll(agent: AuthedAgent, id: string, until: (s: Supernet) => boolean, pastEnd = false) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { body } = await agent.get(`/supernets/${id}`).expect(200);
    if (until(body)) return body as Supernet;
    if ((!pastEnd && ENDED.includes(body.status)) || Date.now() > deadline)
      throw new Error(`supernet ${id}: gave up waiting at ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('supernet training over REST (embedded defaults)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-supernets-'));
  let t: TestServer;
  let tinyDir = '';
  const count = async () => (await t.admin().get('/supernets').expect(200)).body.length;

  beforeAll(async () => {
    t = await startTestServer({ dataDir });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['an unknown space', 'searchSpace', { searchSpace: 'nasbench999' }],
    ['a space without a supernet', 'searchSpace', { searchSpace: 'nasbench201' }],
    ['zero epochs everywhere', 'epochs', { ...TINY, epochs: { full: 0, kernel: 0, depth: 0, expand: 0 } }],
    ['a phase left out of epochs', 'epochs.expand', { ...TINY, epochs: { full: 1, kernel: 1, depth: 0 } }],
    ['batchSize 0', 'batchSize', { ...TINY, batchSize: 0 }],
    ['fewer images per epoch than a batch', 'imagesPerEpoch', { ...TINY, imagesPerEpoch: 8 }],
    ['an unknown field', 'learningRate', { ...TINY, learningRate: 1 }],
  ])('refuses %s with 400 naming %s, storing nothing', async (_, field, body) => {
    const res = await t.admin().post('/supernets').send(body).expect(400);
    expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT', field });
    expect(await count()).toBe(0);
  });

  it('trains a tiny supernet, reporting progress and per-epoch validation accuracy', async () => {
    const started = Date.now();
    const created = await t.admin().post('/supernets').send(TINY).expect(202);
    const id = created.body.id;
    expect(created.body).toMatchObject({ status: 'queued', source: 'trained', progress: null, history: [] });
    expect(created.body.checkpoint).toEqual({ dir: join(dataDir, 'supernets', id) });

    const done = await poll(t.admin(), id, (s) => s.status === 'succeeded');
    console.log(`tiny supernet trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(done).toMatchObject({
      error: null,
      config: { batchSize: 16, imagesPerEpoch: 32, calibrationImages: 32, validationImages: 64 },
      progress: {
        phase: 'kernel',
        phaseIndex: 1,
        phases: 2,
        epoch: 0,
        epochs: 1,
        step: 2,
        steps: 2,
        percent: 100,
      },
    });
    expect(done.config.phases.map((p: { phase: string }) => p.phase)).toEqual(['full', 'kernel']);
    for (const key of ['loss', 'learningRate', 'imagesPerSecond'])
      expect(Number.isFinite(done.progress[key])).toBe(true);
    expect(done.history.map((r: { phase: string; epoch: number }) => [r.phase, r.epoch])).toEqual([
      ['full', 0],
      ['kernel', 0],
    ]);
    for (const r of done.history) {
      expect(r.images).toBe(32);
      for (const acc of [r.largestAccuracy, r.smallestAccuracy]) expect(acc).toBeGreaterThanOrEqual(0);
      for (const acc of [r.largestAccuracy, r.smallestAccuracy]) expect(acc).toBeLessThanOrEqual(1);
    }
    expect(done.checkpoint.saved).toMatchObject({ done: true, next: null });
    expect(existsSync(done.checkpoint.saved.weightsFile)).toBe(true);
    tinyDir = done.checkpoint.dir;
    expect(new Date(done.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.startedAt).getTime());
    const list = (await t.admin().get('/supernets?searchSpace=fmnist-mbv3').expect(200)).body;
    expect(list.map((s: Supernet) => s.id)).toEqual([id]);
    await t.admin().delete(`/supernets/${id}`).expect(409);
  });

  it('cancels a running training, which stops and keeps its checkpoint folder', async () => {
    const body = { ...TINY, imagesPerEpoch: 16 * 200 };
    const { id } = (await t.admin().post('/supernets').send(body).expect(202)).body;
    await poll(t.admin(), id, (s) => s.status === 'running' && s.progress?.step >= 1);
    const cancelled = (await t.admin().delete(`/supernets/${id}`).expect(200)).body;
    expect(cancelled).toMatchObject({ status: 'cancelled', finishedAt: expect.any(String) });
    await t.admin().delete(`/supernets/${id}`).expect(409);
    // The stop saves a checkpoint mid-epoch; the next test's job only runs once this thread has ended.
    const stopped = await poll(t.admin(), id, (s) => s.checkpoint.saved?.next?.step >= 1, true);
    expect(stopped).toMatchObject({ status: 'cancelled', history: [] });
    expect(stopped.checkpoint.saved).toMatchObject({ done: false, next: { phase: 'full', epoch: 0 } });
  });

  it('resumes a training cut off by a restart from its checkpoint; serve registers a shipped one once', async () => {
    // 12 steps an epoch, so the close lands in the second epoch.
    const body = { ...TINY, epochs: { full: 2, kernel: 0, depth: 0, expand: 0 }, imagesPerEpoch: 16 * 12 };
    const { id } = (await t.admin().post('/supernets').send(body).expect(202)).body;
    const before = await poll(t.admin(), id, (s) => s.history.length >= 1);
    await t.close();
    const manifest = JSON.parse(readFileSync(join(dataDir, 'supernets', id, 'supernet.json'), 'utf8'));
    expect(manifest.state).toMatchObject({ done: false, phaseIndex: 0, epoch: 1 });

    // A copy of the search spaces with the tiny trained checkpoint as the shipped fmnist-mbv3 supernet.
    const spaces = join(dataDir, 'spaces');
    const shipped = join(spaces, 'supernets', 'fmnist-mbv3');
    mkdirSync(shipped, { recursive: true });
    for (const f of readdirSync(defaultSearchSpacesDir()).filter((n) => n.endsWith('.json')))
      cpSync(join(defaultSearchSpacesDir(), f), join(spaces, f));
    cpSync(tinyDir, shipped, { recursive: true });
    const mtimes = () => readdirSync(shipped).map((f) => statSync(join(shipped, f)).mtimeMs);
    const shippedMtimes = mtimes();

    const env = { TAILOR_SEARCH_SPACES_DIR: spaces };
    t = await startTestServer({ dataDir, env, shippedSupernets: true });
    const resumed = await poll(t.admin(), id, (s) => s.status === 'succeeded');
    expect(resumed.history).toHaveLength(2);
    // The first epoch's record (its duration included) comes from the checkpoint, not a second run.
    expect(resumed.history[0]).toEqual(before.history[0]);
    expect(resumed.startedAt).toBe(before.startedAt);

    await t.close();
    t = await startTestServer({ dataDir, env, shippedSupernets: true });
    const all: Supernet[] = (await t.admin().get('/supernets').expect(200)).body;
    const registered = all.filter((s) => s.source === 'shipped');
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({
      status: 'succeeded',
      searchSpace: 'fmnist-mbv3',
      checkpoint: { dir: shipped },
    });
    const view = (await t.admin().get(`/supernets/${registered[0].id}`).expect(200)).body;
    expect(view.checkpoint.saved).toMatchObject({ done: true });
    expect(view.history).toHaveLength(2);
    expect(mtimes()).toEqual(shippedMtimes);
  });
});
