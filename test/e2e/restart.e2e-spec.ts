import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { evaluationOrder } from '../support/evaluation-order';
import { API_MAIN, type Child, ensureBuilt, startChild, until } from '../support/processes';
import { NB201_ACCURACY, NB201_LATENCY } from '../support/shared-data';
import { TEST_ADMIN_KEY } from '../support/test-server';

const LONG_SEARCH = {
  searchSpace: 'nasbench201',
  algorithm: 'random',
  objectives: [{ metric: 'accuracy', dataset: 'cifar100' }],
  constraints: [{ metric: 'latency', device: 'pixel3', max: 12 }],
  budget: { evaluations: 8000 },
  seed: 5,
};

describe('an embedded server restarted mid-search', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-restart-'));
  let server: Child | undefined;

  beforeAll(() => ensureBuilt(), 300_000);
  afterAll(async () => {
    await server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (extra: string[] = []) => {
    const child = startChild(API_MAIN, ['serve', '--port', '0', '--data-dir', dataDir, ...extra], {
      TAILOR_ADMIN_KEY: TEST_ADMIN_KEY,
      TAILOR_HOST: '127.0.0.1',
    });
    const [, url] = await child.waitFor(/listening on (http:\/\/\S+)/, 120_000);
    return { child, url };
  };
  const api = (url: string) => ({
    get: (p: string) => request(url).get(`/api/v1${p}`).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`),
    post: (p: string) => request(url).post(`/api/v1${p}`).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`),
  });
  it('resumes from its checkpoint and loses no evaluation', async () => {
    let { child, url } = await start(['--import', NB201_LATENCY, NB201_ACCURACY]);
    server = child;
    const { body: s } = await api(url).post('/searches').send(LONG_SEARCH).expect(202);
    await until(
      async () => {
        const { body } = await api(url).get(`/searches/${s.id}`);
        return body.progress.evaluations >= 1000 ? true : undefined;
      },
      60_000,
      'progress',
    );
    await child.kill('SIGKILL');

    ({ child, url } = await start());
    server = child;
    const done = await until(
      async () => {
        const { body } = await api(url).get(`/searches/${s.id}`);
        return body.status === 'succeeded' ? body : undefined;
      },
      120_000,
      'the resumed search to finish',
    );
    expect(done.attempts).toBeGreaterThanOrEqual(1);
    const resumed = await evaluationOrder(api(url), s.id);
    expect(resumed.map((r) => r.seq)).toEqual(resumed.map((_, i) => i + 1));
    expect(new Set(resumed.map((r) => r.key)).size).toBe(resumed.length);

    // The same request run without interruption evaluates exactly the same archs in the same order.
    const { body: ref } = await api(url).post('/searches').send(LONG_SEARCH).expect(202);
    await until(
      async () => {
        const { body } = await api(url).get(`/searches/${ref.id}`);
        return body.status === 'succeeded' ? true : undefined;
      },
      120_000,
      'the reference search',
    );
    expect(resumed).toEqual(await evaluationOrder(api(url), ref.id));
  }, 400_000);
});
