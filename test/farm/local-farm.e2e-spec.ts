import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { API_MAIN, type Child, ensureBuilt, startChild, until } from '../support/processes';
import { TEST_ADMIN_KEY } from '../support/test-server';

jest.setTimeout(300_000);

const ENV = {
  TAILOR_ADMIN_KEY: TEST_ADMIN_KEY,
  TAILOR_HOST: '127.0.0.1',
  TAILOR_FARM_HEARTBEAT_SEC: '1',
  TAILOR_FARM_LEASE_TTL_SEC: '3',
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const api = (url: string) => ({
  get: (p: string) => request(url).get(`/api/v1${p}`).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`),
  post: (p: string) => request(url).post(`/api/v1${p}`).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`),
});

async function measuredOnce(url: string, deviceId: string, seed: number) {
  const { body } = await api(url)
    .post(`/devices/${deviceId}/measurements`)
    .send({ searchSpace: 'fmnist-mbv3', sample: { count: 1, seed } })
    .expect(202);
  return until(
    async () => {
      const b = (await api(url).get(`/measurement-batches/${body.id}`)).body;
      return b.status === 'succeeded' ? b : undefined;
    },
    120_000,
    'the batch',
  );
}

describe('local farm and reconnection (API as a child process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-farm-'));
  const children: Child[] = [];
  const start = (args: string[], env: Record<string, string> = ENV) => {
    const child = startChild(API_MAIN, args, env);
    children.push(child);
    return child;
  };

  beforeAll(() => ensureBuilt(), 300_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('`tailor serve --agents 1` enrolls a local agent that measures this machine, and stops it on SIGTERM', async () => {
    const server = start(['serve', '--port', '0', '--data-dir', join(dataDir, 'local'), '--agents', '1']);
    const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/, 120_000);
    const [, , deviceId] = await server.waitFor(/agent (\S+) serving device (\S+)/, 60_000);
    const agentPid = Number((await server.waitFor(/local agent onnxruntime .* pid (\d+)/))[1]);
    const devices = (await api(url).get('/devices').expect(200)).body;
    expect(devices.find((d: { id: string }) => d.id === deviceId)).toMatchObject({
      kind: 'farm',
      runtime: { name: 'onnxruntime' },
      agents: { online: 1 },
    });
    expect((await measuredOnce(url, deviceId, 1)).counts.succeeded).toBe(1);

    // The shipped fmnist-mbv3 predictor was imported before the API listened ...
    const predictors = (await api(url).get('/predictors?searchSpace=fmnist-mbv3').expect(200)).body;
    expect(predictors).toMatchObject([{ version: 1, status: 'succeeded', progress: { imported: {} } }]);
    // ... and the local device is calibrated against it without anyone asking.
    const [, calibrationId] = await server.waitFor(
      new RegExp(`calibrating local device ${deviceId} for fmnist-mbv3 v1 \\(calibration (\\S+)\\)`),
      30_000,
    );
    const calibration = await until(
      async () => {
        const list = (await api(url).get(`/devices/${deviceId}/calibrations?searchSpace=fmnist-mbv3`)).body;
        const c = list.find((x: { id: string }) => x.id === calibrationId);
        if (c?.status === 'failed') throw new Error(`calibration failed: ${c.error}`);
        return c?.status === 'succeeded' ? c : undefined;
      },
      90_000,
      'the local calibration',
    );
    expect(calibration).toMatchObject({ source: 'farm', predictor: { version: 1 }, samples: 10 });
    expect(calibration.measurements).toBeGreaterThanOrEqual(20);
    const predicted = await api(url)
      .post('/predict/latency')
      .send({ searchSpace: 'fmnist-mbv3', device: deviceId, archs: [calibration.validationArchs[0]] })
      .expect(200);
    expect(predicted.body.predictions[0].ms).toBeGreaterThan(0);

    await server.kill('SIGTERM');
    expect(server.output()).toMatch(/shutting down/);
    expect(server.proc.exitCode).toBe(0);
    // The agent went with it (no orphan left measuring for a dead server).
    expect(() => process.kill(agentPid, 0)).toThrow(/ESRCH/);
  });

  it('agents reconnect after the API is killed and restarted, and keep measuring', async () => {
    const port = await freePort();
    const dir = join(dataDir, 'restart');
    let server = start(['serve', '--port', String(port), '--data-dir', dir]);
    const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/, 120_000);
    const token = (await api(url).post('/farm/enrollment-tokens').send({}).expect(201)).body.token;
    const agent = start(
      [
        'agent',
        '--server',
        url,
        '--enroll-token',
        token,
        '--runtime',
        'onnxruntime',
        '--state-dir',
        join(dir, 'agent'),
      ],
      {},
    );
    const [, , deviceId] = await agent.waitFor(/agent (\S+) serving device (\S+)/, 60_000);
    await measuredOnce(url, deviceId, 2);

    await server.kill('SIGKILL');
    await agent.waitFor(/unreachable/i, 30_000);
    server = start(['serve', '--port', String(port), '--data-dir', dir]);
    await server.waitFor(/listening on/, 120_000);
    await agent.waitFor(/reconnected/i, 60_000);
    expect((await measuredOnce(url, deviceId, 3)).counts.succeeded).toBe(1);
    expect(agent.proc.exitCode).toBeNull();
  });
});
