import request from 'supertest';
import { DataSource } from 'typeorm';
import { enrollmentToken, FakeAgent, FINGERPRINT } from '../support/fake-agent';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

const FAST_FARM = {
  TAILOR_FARM_HEARTBEAT_SEC: '1',
  TAILOR_FARM_LEASE_TTL_SEC: '2',
  TAILOR_FARM_MAX_ATTEMPTS: '2',
};

describe('device farm protocol (server rules, with protocol-level fake agents)', () => {
  let t: TestServer;
  let db: DataSource;
  let userKey: string;
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    t = await startTestServer({ env: FAST_FARM });
    db = t.server.app.get(DataSource);
    userKey = (await t.admin().post('/api-keys').send({ name: 'user' }).expect(201)).body.key;
  }, 120_000);
  afterAll(() => t?.close());

  describe('enrollment', () => {
    it('only admins create tokens; the token is shown once, lists show a prefix', async () => {
      await t.as(userKey).post('/farm/enrollment-tokens').send({}).expect(403);
      const res = await t.admin().post('/farm/enrollment-tokens').send({ maxUses: 1 }).expect(201);
      expect(res.body.token).toMatch(/^tfe_/);
      const list = (await t.admin().get('/farm/enrollment-tokens').expect(200)).body;
      const listed = list.find((x: { id: string }) => x.id === res.body.id);
      expect(listed).toMatchObject({
        status: 'active',
        uses: 0,
        maxUses: 1,
        prefix: res.body.token.slice(0, 10),
      });
      expect(JSON.stringify(list)).not.toContain(res.body.token);
    });

    it('refuses bad, used-up and revoked tokens with 401 naming enrollmentToken; bad bodies with 400', async () => {
      const token = await enrollmentToken(t, 1);
      await FakeAgent.register(t, token);
      const again = await FakeAgent.register(t, token).catch((e: Error) => e);
      expect(again).toBeInstanceOf(Error);
      const agents = await count('agents');
      const register = () => request(t.server.app.getHttpServer()).post('/api/v1/agent/register');
      const body = (enrollmentToken: string, extra: object = {}) => ({
        enrollmentToken,
        name: 'x',
        agentVersion: 't',
        fingerprint: FINGERPRINT,
        runtime: { name: 'onnxruntime', version: '1', threads: 1, batchSize: 1 },
        ...extra,
      });
      const used = await register().send(body(token)).expect(401);
      expect(used.body).toMatchObject({
        field: 'enrollmentToken',
        message: expect.stringMatching(/used-up/),
      });
      await register().send(body('tfe_nonsense')).expect(401);
      const bad = await register()
        .send(body(await enrollmentToken(t), { fingerprint: { ...FINGERPRINT, cores: -2 } }))
        .expect(400);
      expect(bad.body.field).toBe('fingerprint.cores');
      const revoked = (await t.admin().post('/farm/enrollment-tokens').send({}).expect(201)).body;
      await t.admin().delete(`/farm/enrollment-tokens/${revoked.id}`).expect(204);
      const r = await register().send(body(revoked.token)).expect(401);
      expect(r.body.message).toMatch(/revoked/);
      expect(await count('agents')).toBe(agents);
    });

    it('agents with the same fingerprint and runtime config share a device; another config is another device', async () => {
      const token = await enrollmentToken(t, 3);
      const a = await FakeAgent.register(t, token, { threads: 1 });
      const b = await FakeAgent.register(t, token, { threads: 1 });
      const c = await FakeAgent.register(t, token, { threads: 2 });
      expect(a.deviceId).toBe(b.deviceId);
      expect(c.deviceId).not.toBe(a.deviceId);
      expect(a.deviceId).toMatch(/^onnxruntime-t1-b1-test-9000-[0-9a-f]{6}$/);
    });
  });

  describe('secrets reach only their own routes', () => {
    it('a user key cannot use agent routes, an agent secret cannot use user routes', async () => {
      const agent = await FakeAgent.register(t, await enrollmentToken(t));
      await t.as(userKey).post('/agent/lease').send({ waitSec: 0 }).expect(401);
      await t.admin().post('/agent/heartbeat').send({ state: 'idle' }).expect(401);
      await t.as(agent.secret).get('/searches').expect(401);
      await t.as(agent.secret).get('/devices').expect(401);
      await agent.post('/agent/heartbeat', { state: 'idle' }).expect(200);
    });
  });

  describe('tasks', () => {
    let a: FakeAgent;
    let b: FakeAgent;

    beforeAll(async () => {
      const token = await enrollmentToken(t, 2);
      a = await FakeAgent.register(t, token, { name: 'tfjs-cpu' });
      b = await FakeAgent.register(t, token, { name: 'tfjs-cpu' });
    });

    const batch = async (body: object) =>
      (await t.as(userKey).post(`/devices/${a.deviceId}/measurements`).send(body).expect(202)).body;

    it('rejects bad batch requests naming the field, storing nothing', async () => {
      const before = await count('measurement_tasks');
      const cases: Array<[object, number, string]> = [
        [
          {
            searchSpace: 'fmnist-mbv3',
            archs: ['w1.0-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x', 'bogus'],
          },
          400,
          'archs[1]',
        ],
        [{ searchSpace: 'fmnist-mbv3', sample: { count: 2 }, archs: ['x'] }, 400, 'archs'],
        [{ searchSpace: 'fmnist-mbv3' }, 400, 'archs'],
        [{ searchSpace: 'fmnist-mbv3', sample: { count: 5000 } }, 400, 'sample.count'],
        [{ searchSpace: 'nope', sample: { count: 2 } }, 404, 'searchSpace'],
        [
          { searchSpace: 'fmnist-mbv3', sample: { count: 2 }, params: { warmupRuns: 2 } },
          400,
          'params.warmupRuns',
        ],
      ];
      for (const [body, status, field] of cases) {
        const res = await t.as(userKey).post(`/devices/${a.deviceId}/measurements`).send(body);
        expect({ status: res.status, field: res.body.field }).toEqual({ status, field });
      }
      const unknown = await t
        .as(userKey)
        .post('/devices/no-such-device/measurements')
        .send({ searchSpace: 'fmnist-mbv3', sample: { count: 1 } });
      expect(unknown.status).toBe(404);
      expect(await count('measurement_tasks')).toBe(before);
    });

    it('a result is stored once: 409 for tasks not held and for second results; bad results are 400 and store nothing', async () => {
      const created = await batch({ searchSpace: 'fmnist-mbv3', sample: { count: 1, seed: 7 } });
      expect(created).toMatchObject({ size: 1, status: 'queued', counts: { queued: 1 } });
      const leased = (await a.lease(1).expect(200)).body.tasks;
      expect(leased).toHaveLength(1);
      const task = leased[0];
      expect(task).toMatchObject({
        searchSpace: 'fmnist-mbv3',
        attempt: 1,
        params: { warmupRuns: 10, repeats: 5, minRepeatMs: 100 },
      });

      const stored = await count('measurements');
      const bad: Array<[number[], object, string]> = [
        [[], {}, 'samples'],
        [[1, -2], {}, 'samples'],
        [[1, 0], {}, 'samples'],
        [[1, 2], { buildMs: null }, 'buildMs'],
        [[1, 2], { finishedAt: '2000-01-01T00:00:00Z' }, 'finishedAt'],
      ];
      for (const [samples, extra, field] of bad) {
        const res = await a.result(task.id, samples, extra).expect(400);
        expect(res.body.field).toBe(field);
      }
      const nan = await a.post(`/agent/tasks/${task.id}/result`, { samples: ['NaN'] }).expect(400);
      expect(nan.body.field).toMatch(/^samples/);
      expect(await count('measurements')).toBe(stored);

      const foreign = await b.result(task.id).expect(409);
      expect(foreign.body.message).toMatch(/not leased by this agent/);
      const ok = await a.result(task.id, [2, 2.2, 1.8, 2, 2]).expect(201);
      expect(ok.body.latencyMs).toBe(2);
      const twice = await a.result(task.id).expect(409);
      expect(twice.body.message).toMatch(/already has a result/);
      expect(await count('measurements')).toBe(stored + 1);

      const m = (
        await t.as(userKey).get(`/devices/${a.deviceId}/measurements?batch=${created.id}`).expect(200)
      ).body;
      expect(m.total).toBe(1);
      expect(m.items[0]).toMatchObject({
        arch: task.arch,
        latencyMs: 2,
        samples: [2, 2.2, 1.8, 2, 2],
        stats: { median: 2, min: 1.8, max: 2.2, count: 5 },
        provenance: {
          agentId: a.id,
          runtime: { name: 'tfjs-cpu' },
          fingerprint: { cpuModel: 'Test CPU 9000' },
        },
      });
    });

    it('an expired lease goes back to the queue; the late result is refused; attempts run out into a failure with reasons', async () => {
      const created = await batch({ searchSpace: 'fmnist-mbv3', sample: { count: 1, seed: 99 } });
      const [task] = (await b.lease(1).expect(200)).body.tasks;
      expect(task.attempt).toBe(1);
      // b goes silent; a keeps its heartbeat and long-polls: the lease expires (2 s) and a gets the task.
      const second = (await a.lease(1, 10).expect(200)).body.tasks;
      expect(second.map((x: { id: string }) => x.id)).toEqual([task.id]);
      expect(second[0].attempt).toBe(2);
      await b.result(task.id).expect(409);
      // a fails it retryably; with max 2 attempts the task fails for good, with both reasons.
      const f = await a
        .post(`/agent/tasks/${task.id}/failure`, { reason: 'out of memory', retryable: true })
        .expect(200);
      expect(f.body).toMatchObject({ status: 'failed', attempts: 2 });
      const status = (await t.as(userKey).get(`/measurement-batches/${created.id}`).expect(200)).body;
      expect(status).toMatchObject({ status: 'failed', counts: { failed: 1 }, percent: 100 });
      expect(status.failures[0].reasons).toEqual([
        expect.stringMatching(/lease expired|offline/),
        'out of memory',
      ]);
    });

    it('long-polling returns as soon as work is queued', async () => {
      const started = Date.now();
      const poll = a.lease(1, 20);
      await new Promise((r) => setTimeout(r, 500));
      await batch({ searchSpace: 'fmnist-mbv3', sample: { count: 1, seed: 5 } });
      const res = await poll.expect(200);
      expect(res.body.tasks).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(5000);
      await a
        .post(`/agent/tasks/${res.body.tasks[0].id}/failure`, {
          reason: 'shutdown',
          retryable: true,
          released: true,
        })
        .expect(200);
    });

    it('a revoked agent is refused and its leases are released', async () => {
      const agent = await FakeAgent.register(t, await enrollmentToken(t), { name: 'tfjs-wasm' });
      await t
        .as(userKey)
        .post(`/devices/${agent.deviceId}/measurements`)
        .send({ searchSpace: 'nasbench201', sample: { count: 1 } })
        .expect(202);
      const [task] = (await agent.lease(1).expect(200)).body.tasks;
      const revoked = await t.admin().delete(`/farm/agents/${agent.id}`).expect(200);
      expect(revoked.body).toMatchObject({ revoked: true, releasedTasks: 1 });
      await agent.post('/agent/heartbeat', { state: 'idle' }).expect(401);
      await agent.result(task.id).expect(401);
      const rows = await db.query(`SELECT status, agent_id FROM measurement_tasks WHERE id = $1`, [task.id]);
      expect(rows[0]).toEqual({ status: 'queued', agent_id: null });
    });

    it('GET /devices lists farm devices with online agents, runtime and measurement counts', async () => {
      await a.post('/agent/heartbeat', { state: 'idle' }).expect(200);
      const devices = (await t.as(userKey).get('/devices').expect(200)).body;
      const d = devices.find((x: { id: string }) => x.id === a.deviceId);
      expect(d).toMatchObject({
        kind: 'farm',
        hardware: 'Test CPU 9000',
        runtime: { name: 'tfjs-cpu', threads: 1, batchSize: 1 },
        measurementCount: 1,
        measurementsBySpace: { 'fmnist-mbv3': 1 },
        searchSpaces: ['fmnist-mbv3'],
      });
      expect(d.agents.online).toBeGreaterThanOrEqual(1);
    });
  });
});
