import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@tailor/common';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { DataSource } from 'typeorm';
import { enrollmentToken } from '../support/fake-agent';
import { API_MAIN, type Child, ensureBuilt, startChild, until } from '../support/processes';
import { FBNET_LATENCY, NB201_LATENCY } from '../support/shared-data';
import { startTestServer, type TestServer, waitForSearch } from '../support/test-server';

jest.setTimeout(300_000);

// Short enough that a killed agent's lease expires within seconds, long enough that a busy CI machine
// (two cores shared by the API and several agents) does not expire the lease of an agent still measuring.
const FAST_FARM = {
  TAILOR_FARM_HEARTBEAT_SEC: '2',
  TAILOR_FARM_LEASE_TTL_SEC: '4',
  TAILOR_FARM_MAX_ATTEMPTS: '3',
};
const spaces = SearchSpaceRegistry.load(defaultSearchSpacesDir());

interface RunningAgent {
  child: Child;
  id: string;
  deviceId: string;
}

describe('device farm with real agent processes', () => {
  let t: TestServer;
  let db: DataSource;
  let token: string;
  const agents: Child[] = [];
  const root = mkdtempSync(join(tmpdir(), 'tailor-agents-'));

  const startAgent = async (name: string, args: string[]): Promise<RunningAgent> => {
    const child = startChild(
      API_MAIN,
      [
        'agent',
        '--server',
        t.url,
        '--enroll-token',
        token,
        '--name',
        name,
        '--state-dir',
        join(root, name),
        ...args,
      ],
      {},
    );
    agents.push(child);
    const [, id, deviceId] = await child.waitFor(/agent (\S+) serving device (\S+)/, 60_000);
    return { child, id, deviceId };
  };
  const measure = async (deviceId: string, body: object) =>
    (await t.admin().post(`/devices/${deviceId}/measurements`).send(body).expect(202)).body.id as string;
  const batchDone = (id: string, timeoutMs = 180_000) =>
    until(
      async () => {
        const b = (await t.admin().get(`/measurement-batches/${id}`).expect(200)).body;
        return ['succeeded', 'failed', 'partial'].includes(b.status) ? b : undefined;
      },
      timeoutMs,
      `batch ${id}`,
    );
  const heldBy = (agentId: string) =>
    until(
      async () => {
        const rows = await db.query(
          `SELECT id FROM measurement_tasks WHERE agent_id = $1 AND status = 'leased'`,
          [agentId],
        );
        return rows[0]?.id as string | undefined;
      },
      60_000,
      `a lease held by ${agentId}`,
    );
  const measurementsOf = async (deviceId: string, batch: string) =>
    (await t.admin().get(`/devices/${deviceId}/measurements?batch=${batch}&limit=1000`).expect(200)).body;

  beforeAll(async () => {
    ensureBuilt();
    t = await startTestServer({ env: FAST_FARM });
    db = t.server.app.get(DataSource);
    token = await enrollmentToken(t, 50);
  }, 600_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.kill('SIGKILL')));
    await t?.close();
  });

  it('two agents with different runtimes measure a batch while one is killed and restarted: every measurement arrives once', async () => {
    const onnx = await startAgent('onnx-1', ['--runtime', 'onnxruntime']);
    let wasm = await startAgent('wasm-1', ['--runtime', 'tfjs-wasm']);
    expect(onnx.deviceId).not.toBe(wasm.deviceId);
    const sample = { searchSpace: 'fmnist-mbv3', sample: { count: 4, seed: 11 } };
    const batches = [await measure(onnx.deviceId, sample), await measure(wasm.deviceId, sample)];

    const killedTask = await heldBy(wasm.id);
    await wasm.child.kill('SIGKILL');
    const restarted = await startAgent('wasm-1', ['--runtime', 'tfjs-wasm']);
    expect(restarted.id).toBe(wasm.id); // the state dir keeps its identity
    wasm = restarted;

    for (const [i, device] of [onnx.deviceId, wasm.deviceId].entries()) {
      const b = await batchDone(batches[i]);
      expect(b).toMatchObject({ status: 'succeeded', counts: { succeeded: 4, failed: 0 } });
      const m = await measurementsOf(device, batches[i]);
      expect(m.total).toBe(4);
      for (const x of m.items) {
        expect(x.samples.length).toBeGreaterThanOrEqual(5);
        expect(x.stats.median).toBeGreaterThan(0);
        expect(x.buildMs).toBeGreaterThan(0);
        expect(x.replayed).toBe(false);
        expect(x.provenance.runtime.name).toBe(i === 0 ? 'onnxruntime' : 'tfjs-wasm');
        expect(x.provenance.fingerprint.cpuModel).toBeTruthy();
      }
    }
    const perTask = await db.query(
      `SELECT t.id, t.attempts, count(m.id)::int AS n FROM measurement_tasks t LEFT JOIN measurements m ON m.task_id = t.id
        WHERE t.batch_id = ANY($1::uuid[]) GROUP BY t.id`,
      [batches],
    );
    expect(perTask.map((r: { n: number }) => r.n)).toEqual(Array(8).fill(1));
    const killed = (
      await db.query(`SELECT attempts, failures FROM measurement_tasks WHERE id = $1`, [killedTask])
    )[0];
    // The kill cost the attempt it interrupted; the reason says the lease expired.
    expect({ attempts: killed.attempts, failures: killed.failures }).toMatchObject({
      attempts: 2,
      failures: [{ agentId: wasm.id, reason: expect.stringMatching(/lease expired|offline/) }],
    });
  });

  it('an agent killed mid-task loses its lease; another agent of the device finishes the task', async () => {
    const a = await startAgent('onnx-a', ['--runtime', 'onnxruntime', '--threads', '2']);
    const b = await startAgent('onnx-b', ['--runtime', 'onnxruntime', '--threads', '2']);
    expect(a.deviceId).toBe(b.deviceId);
    const batch = await measure(a.deviceId, { searchSpace: 'fmnist-mbv3', sample: { count: 4, seed: 12 } });
    const [victim, survivor] = await Promise.race([
      heldBy(a.id).then(() => [a, b]),
      heldBy(b.id).then(() => [b, a]),
    ]);
    const task = await heldBy(victim.id);
    await victim.child.kill('SIGKILL');
    expect((await batchDone(batch)).counts).toMatchObject({ succeeded: 4, failed: 0 });
    const rows = await db.query(
      `SELECT t.failures, m.agent_id FROM measurement_tasks t JOIN measurements m ON m.task_id = t.id WHERE t.id = $1`,
      [task],
    );
    expect(rows[0].agent_id).toBe(survivor.id);
    expect(rows[0].failures[0].reason).toMatch(/lease expired|offline/);
    expect((await measurementsOf(a.deviceId, batch)).total).toBe(4);
  });

  it('a revoked agent is refused: it stops with exit code 3', async () => {
    const a = await startAgent('to-revoke', ['--runtime', 'onnxruntime', '--batch', '2']);
    await t.admin().delete(`/farm/agents/${a.id}`).expect(200);
    const code = await new Promise<number | null>((resolve) => {
      if (a.child.proc.exitCode !== null) return resolve(a.child.proc.exitCode);
      a.child.proc.once('exit', (c) => resolve(c));
    });
    expect(code).toBe(3);
    expect(a.child.output()).toMatch(/revoked/);
  });

  it('a replay agent answers from a recorded table (marked replayed) and fails archs the table lacks', async () => {
    const fbnet = spaces.get('fbnet');
    const file = JSON.parse(readFileSync(FBNET_LATENCY, 'utf8'));
    const inTable = fbnet.canonical(fbnet.parse(file.archs[0]));
    const keys = new Set((file.archs as unknown[]).map((a) => fbnet.canonical(fbnet.parse(a))));
    const rng = Rng.fromSeed(3);
    let missing = fbnet.canonical(fbnet.sample(rng));
    while (keys.has(missing)) missing = fbnet.canonical(fbnet.sample(rng));

    const r = await startAgent('replay-pixel3', ['--replay', FBNET_LATENCY, '--device', 'pixel3']);
    expect(r.deviceId).toBe('replay-pixel3');
    const batch = await measure(r.deviceId, { searchSpace: 'fbnet', archs: [inTable, missing] });
    const done = await batchDone(batch, 60_000);
    expect(done).toMatchObject({ status: 'partial', counts: { succeeded: 1, failed: 1 } });
    expect(done.failures[0]).toMatchObject({
      arch: missing,
      reasons: [expect.stringMatching(/not in replay table/)],
    });
    const [m] = (await measurementsOf(r.deviceId, batch)).items;
    expect(m).toMatchObject({
      arch: inTable,
      replayed: true,
      latencyMs: file.devices.pixel3[0],
      buildMs: null,
    });
  });

  it('a search whose latency constraint names a farm device has its candidates measured by the farm', async () => {
    const nb = spaces.get('nasbench201');
    const file = JSON.parse(readFileSync(NB201_LATENCY, 'utf8'));
    const table = new Map(
      (file.archs as string[]).map((a, i) => [nb.canonical(nb.parse(a)), file.devices.samsung_a50[i]]),
    );
    const r = await startAgent('replay-a50', ['--replay', NB201_LATENCY, '--device', 'samsung_a50']);
    const search = await t
      .admin()
      .post('/searches')
      .send({
        searchSpace: 'nasbench201',
        algorithm: 'random',
        objectives: [{ metric: 'flops', goal: 'max' }],
        constraints: [{ metric: 'latency', device: r.deviceId, max: 40 }],
        budget: { evaluations: 12 },
        seed: 4,
      })
      .expect(202);
    const done = await waitForSearch(t.admin(), search.body.id, 120_000);
    expect(done.status).toBe('succeeded');
    const result = (await t.admin().get(`/searches/${search.body.id}/result`).expect(200)).body;
    expect(result.deviceMeasurements).toBe(12);
    const evals = (await t.admin().get(`/searches/${search.body.id}/evaluations?limit=100`).expect(200)).body
      .items;
    expect(evals).toHaveLength(12);
    for (const e of evals) expect(e.metrics[`latency:${r.deviceId}`]).toBeCloseTo(table.get(e.key)!, 9);
  });
});
