import { NB201_ACCURACY, NB201_LATENCY } from '../support/shared-data';
import { nb201Oracle } from '../support/oracle';
import { until } from '../support/processes';
import { startTestServer, type TestServer, waitForSearch } from '../support/test-server';

const PIXEL3 = {
  searchSpace: 'nasbench201',
  algorithm: 'evolution',
  objectives: [{ metric: 'accuracy', dataset: 'cifar100', goal: 'max' }],
  constraints: [{ metric: 'latency', device: 'pixel3', max: 12 }],
  budget: { evaluations: 1000 },
  seed: 1,
};

describe('searches over REST (embedded defaults)', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    for (const file of [NB201_LATENCY, NB201_ACCURACY])
      await t.admin().post('/datasets').attach('file', file).expect(201);
  }, 120_000);
  afterAll(() => t?.close());

  it('finds the oracle for a Pixel 3 budget and reports it with its metrics', async () => {
    const submitted = await t.admin().post('/searches').send(PIXEL3).expect(202);
    expect(submitted.body).toMatchObject({ status: 'queued' });
    const done = await waitForSearch(t.admin(), submitted.body.id);
    expect(done.status).toBe('succeeded');
    const result = await t.admin().get(`/searches/${submitted.body.id}/result`).expect(200);
    const oracle = nb201Oracle('pixel3', 12);
    expect(result.body.best.key).toBe(oracle.arch);
    expect(result.body.best.metrics['accuracy:cifar100']).toBeCloseTo(oracle.accuracy, 4);
    expect(result.body.best.metrics['latency:pixel3']).toBeLessThanOrEqual(12);
    expect(result.body.evaluations).toBeLessThanOrEqual(1000);
    expect(result.body.topK.length).toBe(10);
    expect(result.body.pareto.length).toBeGreaterThan(0);
    for (const c of result.body.topK) expect(c.metrics['latency:pixel3']).toBeLessThanOrEqual(12);
  }, 120_000);

  it('honours several latency constraints at once with NSGA-II', async () => {
    const body = {
      ...PIXEL3,
      algorithm: 'nsga2',
      objectives: [
        { metric: 'accuracy', dataset: 'cifar100', goal: 'max' },
        { metric: 'flops', goal: 'min' },
      ],
      constraints: [
        { metric: 'latency', device: 'pixel3', max: 12 },
        { metric: 'latency', device: 'samsung_a50', max: 20 },
      ],
      budget: { evaluations: 300 },
    };
    const { body: s } = await t.admin().post('/searches').send(body).expect(202);
    await waitForSearch(t.admin(), s.id);
    const { body: r } = await t.admin().get(`/searches/${s.id}/result`).expect(200);
    expect(r.pareto.length).toBeGreaterThan(1);
    for (const c of r.pareto) {
      expect(c.metrics['latency:pixel3']).toBeLessThanOrEqual(12);
      expect(c.metrics['latency:samsung_a50']).toBeLessThanOrEqual(20);
    }
  }, 120_000);

  it('serves the plot, the event stream and the evaluation list', async () => {
    const { body: s } = await t
      .admin()
      .post('/searches')
      .send({ ...PIXEL3, budget: { evaluations: 200 } })
      .expect(202);
    const events = await t
      .admin()
      .get(`/searches/${s.id}/events`)
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => cb(null, text));
      });
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    expect(events.body).toMatch(/event: progress/);
    expect(events.body).toMatch(/event: end\ndata: .*"succeeded"/);
    const plot = await t.admin().get(`/searches/${s.id}/plot.svg`).expect(200);
    expect(plot.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(String(plot.body ?? plot.text)).toContain('<svg');
    const evals = await t.admin().get(`/searches/${s.id}/evaluations?limit=50`).expect(200);
    expect(evals.body.items ?? evals.body).toBeDefined();
  }, 120_000);

  it('lists searches by status and keeps users apart', async () => {
    const { body: key } = await t.admin().post('/api-keys').send({ name: 'alice' }).expect(201);
    const alice = t.as(key.key);
    await alice
      .get('/searches')
      .expect(200)
      .expect((r) => expect(r.body.total).toBe(0));
    const { body: mine } = await alice
      .post('/searches')
      .send({ ...PIXEL3, budget: { evaluations: 100 } })
      .expect(202);
    await waitForSearch(alice, mine.id);
    const list = await alice.get('/searches?status=succeeded').expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    const all = await t.admin().get('/searches').expect(200);
    expect(all.body.total).toBeGreaterThan(1);
    const { body: adminSearch } = await t
      .admin()
      .post('/searches')
      .send({ ...PIXEL3, budget: { evaluations: 50 } });
    await alice.get(`/searches/${adminSearch.id}`).expect(404);
    await alice.post('/datasets').attach('file', Buffer.from('{}'), 'x.json').expect(403);
    await alice.post('/api-keys').send({ name: 'mallory' }).expect(403);
  }, 120_000);

  it('cancels a search and keeps the best so far', async () => {
    const { body: s } = await t
      .admin()
      .post('/searches')
      .send({ ...PIXEL3, algorithm: 'random', budget: { evaluations: 15000 } })
      .expect(202);
    await t.admin().delete(`/searches/${s.id}`).expect(200);
    const done = await waitForSearch(t.admin(), s.id);
    expect(done.status).toBe('cancelled');
    // A running search writes its result at its next round; poll until it is there.
    const r = await until(
      async () => {
        const res = await t.admin().get(`/searches/${s.id}/result`);
        return res.status === 200 ? res.body : undefined;
      },
      30_000,
      'the cancelled search result',
    );
    expect(r.evaluations).toBeLessThan(15000);
    await t.admin().delete(`/searches/${s.id}`).expect(409);

    // Cancelled while running: the evaluations so far are kept and the best of them is the result.
    const { body: running } = await t
      .admin()
      .post('/searches')
      .send({ ...PIXEL3, algorithm: 'random', budget: { evaluations: 15000 } })
      .expect(202);
    await until(
      async () => {
        const { body } = await t.admin().get(`/searches/${running.id}`);
        return body.progress.evaluations > 100 ? true : undefined;
      },
      60_000,
      'progress',
    );
    await t.admin().delete(`/searches/${running.id}`).expect(200);
    const kept = await until(
      async () => {
        const res = await t.admin().get(`/searches/${running.id}/result`);
        return res.status === 200 ? res.body : undefined;
      },
      30_000,
      'the cancelled search result',
    );
    expect(kept.evaluations).toBeGreaterThan(100);
    expect(kept.evaluations).toBeLessThan(15000);
    expect(kept.best.metrics['latency:pixel3']).toBeLessThanOrEqual(12);
  }, 120_000);
});
