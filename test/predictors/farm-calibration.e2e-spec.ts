import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { startReplayAgent } from '../support/replay-agent';
import { FBNET_LATENCY, NB201_LATENCY } from '../support/shared-data';
import { startTestServer, type TestServer, waitForJob } from '../support/test-server';

jest.setTimeout(600_000);

const nb = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('nasbench201');
const file = JSON.parse(readFileSync(NB201_LATENCY, 'utf8'));

describe('calibrating a farm device (replay agents)', () => {
  let t: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'tailor-replay-'));
  const agents: Array<{ stop(): Promise<number> }> = [];

  beforeAll(async () => {
    t = await startTestServer({ imports: [NB201_LATENCY] });
    const created = await t
      .admin()
      .post('/predictors')
      .send({ searchSpace: 'nasbench201', options: { steps: 60, members: 1 } })
      .expect(202);
    expect((await waitForJob(t.admin(), `/predictors/${created.body.id}`)).body.status).toBe('succeeded');
  }, 300_000);
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('measures the reference and shot archs through the farm, then predicts for the device', async () => {
    const agent = await startReplayAgent(t, dir, NB201_LATENCY, 'samsung_a50');
    agents.push(agent);
    const device = agent.deviceId;
    const cal = await t
      .admin()
      .post(`/devices/${device}/calibrate`)
      .send({ searchSpace: 'nasbench201', samples: 8, validationArchs: 6 })
      .expect(202);
    expect(cal.body).toMatchObject({ source: 'farm', samples: 8, validationCount: 6, warnings: [] });
    const { body: done, progress } = await waitForJob(t.admin(), `/calibrations/${cal.body.id}`);
    expect(done).toMatchObject({ status: 'succeeded', measurements: 10 + 8 + 6 });
    // One batch for the reference archs, one for the shots and held-out archs.
    expect(done.progress.batchIds).toHaveLength(2);
    expect(progress.map((p) => (p as { phase: string }).phase)).toContain('shots');
    const index = new Map((file.archs as string[]).map((a, i) => [nb.canonical(nb.parse(a)), i]));
    for (const [arch, ms] of Object.entries(done.measured))
      expect(ms).toBeCloseTo(file.devices.samsung_a50[index.get(arch)!], 6);
    const batch = await t.admin().get(`/measurement-batches/${done.progress.batchIds[0]}`).expect(200);
    expect(batch.body).toMatchObject({ deviceId: device, size: 10, status: 'succeeded' });

    const res = await t
      .admin()
      .post('/predict/latency')
      .send({ searchSpace: 'nasbench201', device, archs: done.validationArchs })
      .expect(200);
    expect(res.body.calibration.id).toBe(cal.body.id);
    for (const p of res.body.predictions) expect(p.high).toBeGreaterThan(p.low);
  });

  it('fails with a clear error when the device cannot measure a reference arch', async () => {
    // A replay agent of the FBNet table fails every NAS-Bench-201 task for good.
    const agent = await startReplayAgent(t, dir, FBNET_LATENCY, 'pixel3');
    agents.push(agent);
    const device = agent.deviceId;
    const cal = await t
      .admin()
      .post(`/devices/${device}/calibrate`)
      .send({ searchSpace: 'nasbench201' })
      .expect(202);
    const done = (await waitForJob(t.admin(), `/calibrations/${cal.body.id}`)).body;
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^reference arch \S+ could not be measured on device "replay-pixel3"/);
    const res = await t
      .admin()
      .post('/predict/latency')
      .send({ searchSpace: 'nasbench201', device, archs: done.referenceArchs.slice(0, 1) })
      .expect(409);
    expect(res.body.field).toBe('device');
  });
});
