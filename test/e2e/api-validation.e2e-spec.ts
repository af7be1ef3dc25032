import { readFileSync } from 'node:fs';
import request from 'supertest';
import { NB201_ACCURACY, NB201_LATENCY } from '../support/shared-data';
import { startTestServer, type TestServer } from '../support/test-server';

const GOOD = {
  searchSpace: 'nasbench201',
  algorithm: 'evolution',
  objectives: [{ metric: 'accuracy', dataset: 'cifar100' }],
  constraints: [{ metric: 'latency', device: 'pixel3', max: 12 }],
  budget: { evaluations: 100 },
};

describe('bad input gets a 4xx naming the field, and nothing is stored', () => {
  let t: TestServer;
  const searchCount = async () => (await t.admin().get('/searches').expect(200)).body.total;

  beforeAll(async () => {
    t = await startTestServer({ imports: [NB201_LATENCY, NB201_ACCURACY] });
  }, 120_000);
  afterAll(() => t?.close());

  const CASES: Array<[object, number, string, RegExp]> = [
    [{ ...GOOD, searchSpace: 'nasbench999' }, 404, 'searchSpace', /unknown|nasbench999/],
    [{ ...GOOD, objectives: [{ metric: 'beauty' }] }, 400, 'objectives[0].metric', /must be one of/],
    [
      { ...GOOD, objectives: [{ metric: 'accuracy', dataset: 'imagenet' }] },
      404,
      'objectives[0].dataset',
      /imagenet/,
    ],
    [
      { ...GOOD, constraints: [{ metric: 'latency', device: 'pixel9', max: 12 }] },
      404,
      'constraints[0].device',
      /pixel9/,
    ],
    [{ ...GOOD, constraints: [{ metric: 'latency', max: 12 }] }, 400, 'constraints[0].device', /required/],
    [{ ...GOOD, budget: { evaluations: 10_000_000 } }, 400, 'budget.evaluations', /at most/],
    [{ ...GOOD, budget: { evaluations: 0 } }, 400, 'budget.evaluations', /not be less than 1/],
    [{ ...GOOD, algorithm: 'hillclimb' }, 400, 'algorithm', /must be one of/],
    [{ ...GOOD, options: { populationSize: -3 } }, 400, 'options.populationSize', /-3/],
    [{ ...GOOD, surprise: true }, 400, 'surprise', /should not exist/],
    [
      { ...GOOD, constraints: [{ metric: 'latency', device: 'pixel3', max: 0.001 }] },
      422,
      'constraints',
      /no architecture/,
    ],
  ];

  it.each(CASES.map(([body, status, field, message]) => ({ body, status, field, message })))(
    'answers $status naming $field',
    async ({ body, status, field, message }) => {
      const before = await searchCount();
      const res = await t.admin().post('/searches').send(body).expect(status);
      expect(res.body.field).toBe(field);
      expect(res.body.message).toMatch(message);
      expect(await searchCount()).toBe(before);
    },
  );

  it('rejects malformed JSON and bodies over 1 MB', async () => {
    const bad = await t
      .admin()
      .post('/searches')
      .set('Content-Type', 'application/json')
      .send('{"searchSpace": ')
      .expect(400);
    expect(bad.body.message).toMatch(/malformed JSON/);
    const huge = { ...GOOD, name: 'x'.repeat(1_100_000) };
    await t.admin().post('/searches').send(huge).expect(413);
  });

  it('rejects a bad dataset file whole', async () => {
    const devices = (await t.admin().get('/devices').expect(200)).body.length;
    const file = JSON.parse(readFileSync(NB201_LATENCY, 'utf8'));
    file.devices.pixel3[17] = -1;
    file.devices.brandnew = file.devices.titanx_1;
    file.devicesInThisFile.push('brandnew');
    const res = await t
      .admin()
      .post('/datasets')
      .attach('file', Buffer.from(JSON.stringify(file)), 'bad.json')
      .expect(400);
    expect(res.body.message).toMatch(/devices\.pixel3\[17\]/);
    expect((await t.admin().get('/devices').expect(200)).body.length).toBe(devices);
    const notJson = await t
      .admin()
      .post('/datasets')
      .attach('file', Buffer.from('{oops'), 'x.json')
      .expect(400);
    expect(notJson.body.field).toBeDefined();
    await t.admin().post('/datasets').expect(400);
  });

  it('needs a key on every /api/v1 route', async () => {
    const http = t.server.app.getHttpServer();
    const res = await request(http).get('/api/v1/search-spaces').expect(401);
    expect(res.body.message).toMatch(/Bearer/);
    await request(http).get('/api/v1/health').expect(401);
    await request(http).get('/api/v1/search-spaces').set('Authorization', 'Bearer nope').expect(401);
    await request(http).get('/docs-json').expect(200);
  });

  it('serves the catalog, devices, health and metrics', async () => {
    const spaces = await t.admin().get('/search-spaces').expect(200);
    expect(spaces.body.map((s: { id: string }) => s.id).sort()).toEqual([
      'fbnet',
      'fmnist-mbv3',
      'nasbench201',
      'ofa-mbv3',
    ]);
    const nb = await t.admin().get('/search-spaces/nasbench201').expect(200);
    expect(nb.body.cardinality).toBe('15625');
    await t.admin().get('/search-spaces/nope').expect(404);
    const sample = await t
      .admin()
      .post('/search-spaces/fmnist-mbv3/sample')
      .send({ count: 3, seed: 7 })
      .expect(200);
    expect(sample.body).toHaveLength(3);
    const again = await t
      .admin()
      .post('/search-spaces/fmnist-mbv3/sample')
      .send({ count: 3, seed: 7 })
      .expect(200);
    expect(again.body).toEqual(sample.body);
    await t.admin().post('/search-spaces/fmnist-mbv3/sample').send({ count: 5000 }).expect(400);
    const good =
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
    const inspected = await t
      .admin()
      .post('/search-spaces/nasbench201/archs')
      .send({ archs: [good] })
      .expect(200);
    expect(inspected.body[0]).toMatchObject({ key: good });
    expect(inspected.body[0].encoding).toHaveLength(30);
    const bad = await t
      .admin()
      .post('/search-spaces/nasbench201/archs')
      .send({ archs: [good, good.replace('avg_pool_3x3', 'conv_9x9')] })
      .expect(400);
    expect(bad.body.field).toMatch(/^archs\[1\]/);
    expect(bad.body.message).toMatch(/conv_9x9/);
    const devices = await t.admin().get('/devices').expect(200);
    expect(devices.body.map((d: { id: string }) => d.id)).toContain('pixel3');
    const health = await t.admin().get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', database: { status: 'up' }, queue: { status: 'up' } });
    const metrics = await t.admin().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/tailor_searches\{status="queued"\}/);
    expect(metrics.text).toMatch(/tailor_http_requests_total/);
  });

  it('documents every body with an example', async () => {
    const doc = (await request(t.server.app.getHttpServer()).get('/docs-json').expect(200)).body;
    for (const [path, ops] of Object.entries<
      Record<string, { requestBody?: { content: Record<string, { examples?: unknown; example?: unknown }> } }>
    >(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.requestBody) continue;
        const media = Object.values(op.requestBody.content);
        expect({ path, method, hasExample: media.some((m) => m.examples || m.example) }).toEqual({
          path,
          method,
          hasExample: true,
        });
      }
    }
  });
});
