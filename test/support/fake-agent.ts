import request from 'supertest';
import type { TestServer } from './test-server';

export const FINGERPRINT = {
  cpuModel: 'Test CPU 9000',
  cores: 2,
  memoryGiB: 24,
  os: 'linux 6.1',
  arch: 'x64',
  nodeVersion: 'v20.0.0',
};

/** A protocol-level stand-in for `tailor agent`, for tests of the server's rules. */
export class FakeAgent {
  constructor(
    private readonly t: TestServer,
    readonly id: string,
    readonly secret: string,
    readonly deviceId: string,
  ) {}

  static async register(
    t: TestServer,
    token: string,
    runtime: Partial<{ name: string; threads: number; batchSize: number }> = {},
    name = 'fake',
  ): Promise<FakeAgent> {
    const res = await request(t.server.app.getHttpServer())
      .post('/api/v1/agent/register')
      .send({
        enrollmentToken: token,
        name,
        agentVersion: 'test',
        fingerprint: FINGERPRINT,
        runtime: { name: 'onnxruntime', version: '1.0.0', threads: 1, batchSize: 1, ...runtime },
      })
      .expect(201);
    return new FakeAgent(t, res.body.agentId, res.body.secret, res.body.deviceId);
  }

  post(path: string, body: object = {}) {
    return this.t.as(this.secret).post(path).send(body);
  }

  lease(max = 1, waitSec = 0) {
    return this.post('/agent/lease', { max, waitSec });
  }

  result(taskId: string, samples: number[] = [2, 2.1, 1.9, 2, 2.05], extra: object = {}) {
    const now = new Date().toISOString();
    return this.post(`/agent/tasks/${taskId}/result`, {
      samples,
      runsPerRepeat: samples.map(() => 10),
      buildMs: 5,
      firstRunMs: 3,
      remeasured: false,
      noisy: false,
      replayed: false,
      startedAt: now,
      finishedAt: now,
      ...extra,
    });
  }
}

export async function enrollmentToken(t: TestServer, maxUses = 5): Promise<string> {
  const res = await t.admin().post('/farm/enrollment-tokens').send({ name: 'test', maxUses }).expect(201);
  return res.body.token;
}
