import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { evaluationOrder } from '../support/evaluation-order';
import { type Child, ensureBuilt, startChild, until, WORKER_MAIN } from '../support/processes';
import { NB201_ACCURACY, NB201_LATENCY } from '../support/shared-data';
import { startTestServer, type TestServer } from '../support/test-server';

const { DATABASE_URL, REDIS_URL } = process.env;
const maybe = DATABASE_URL && REDIS_URL ? describe : describe.skip;
if (!DATABASE_URL || !REDIS_URL)
  console.warn('distributed e2e skipped: set DATABASE_URL and REDIS_URL to run it');

const SEARCH = {
  searchSpace: 'nasbench201',
  algorithm: 'random',
  objectives: [{ metric: 'accuracy', dataset: 'cifar100' }],
  constraints: [{ metric: 'latency', device: 'pixel3', max: 12 }],
  budget: { evaluations: 8000 },
  seed: 11,
};

maybe('distributed mode: PostgreSQL + Redis + separate workers', () => {
  const suffix = randomBytes(4).toString('hex');
  const dbName = `tailor_e2e_${suffix}`;
  const dbUrl = () => {
    const u = new URL(DATABASE_URL!);
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  const env = () => ({
    DATABASE_URL: dbUrl(),
    REDIS_URL: REDIS_URL!,
    TAILOR_QUEUE_PREFIX: `tailor-e2e-${suffix}`,
    TAILOR_QUEUE_LOCK_MS: '2000',
    TAILOR_QUEUE_STALLED_MS: '2000',
    TAILOR_LOG_LEVEL: 'log',
  });
  let t: TestServer;
  const workers: Child[] = [];
  const startWorker = async () => {
    const w = startChild(WORKER_MAIN, [], env());
    workers.push(w);
    await w.waitFor(/worker ready/, 60_000);
    return w;
  };
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: DATABASE_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    ensureBuilt();
    await admin(`CREATE DATABASE ${dbName}`);
    t = await startTestServer({ env: env(), imports: [NB201_LATENCY, NB201_ACCURACY] });
  }, 300_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await t?.close();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }, 60_000);

  const finished = (id: string) =>
    until(
      async () => {
        const { body } = await t.admin().get(`/searches/${id}`);
        return ['succeeded', 'failed'].includes(body.status) ? body : undefined;
      },
      180_000,
      `search ${id}`,
    );

  it('the API only produces: a search waits for a worker', async () => {
    const health = await t.admin().get('/health').expect(200);
    expect(health.body.queue.mode).toBe('redis');
    const { body: s } = await t
      .admin()
      .post('/searches')
      .send({ ...SEARCH, budget: { evaluations: 100 } })
      .expect(202);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await t.admin().get(`/searches/${s.id}`)).body.status).toBe('queued');
    await startWorker();
    expect((await finished(s.id)).status).toBe('succeeded');
  }, 200_000);

  it('a worker killed mid-search: another finishes it with no evaluation lost', async () => {
    const { body: s } = await t.admin().post('/searches').send(SEARCH).expect(202);
    await until(
      async () => {
        const { body } = await t.admin().get(`/searches/${s.id}`);
        return body.progress.evaluations >= 1000 ? true : undefined;
      },
      60_000,
      'progress',
    );
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    await startWorker();
    await startWorker();
    const done = await finished(s.id);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    const resumed = await evaluationOrder(t.admin(), s.id);
    expect(resumed.map((r) => r.seq)).toEqual(resumed.map((_, i) => i + 1));

    const { body: ref } = await t.admin().post('/searches').send(SEARCH).expect(202);
    await finished(ref.id);
    expect(resumed).toEqual(await evaluationOrder(t.admin(), ref.id));
  }, 400_000);
});
