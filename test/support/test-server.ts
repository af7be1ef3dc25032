import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tailor/config';
import request from 'supertest';
import { createServer, type RunningServer } from '../../apps/api/src/server';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly dataDir: string;
  /** supertest bound to the server with the admin key. */
  admin(): AuthedAgent;
  as(key: string): AuthedAgent;
  close(): Promise<void>;
}

type Method = 'get' | 'post' | 'delete';
export type AuthedAgent = Record<Method, (path: string) => request.Test>;

/**
 * Starts the real HTTP app on a free port. Embedded mode unless `env` names DATABASE_URL/REDIS_URL;
 * the process environment is deliberately not read, so these tests never touch CI's databases by accident.
 */
export async function startTestServer(
  opts: {
    env?: Record<string, string>;
    dataDir?: string;
    imports?: string[];
    /** Import the shipped predictor files at start, as `tailor serve` does. */
    shippedPredictors?: boolean;
    /** Register the shipped supernet checkpoints at start, as `tailor serve` does. */
    shippedSupernets?: boolean;
  } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tailor-e2e-'));
  const config = loadConfig(
    { port: 0, host: '127.0.0.1', dataDir },
    { TAILOR_ADMIN_KEY: TEST_ADMIN_KEY, TAILOR_LOG_LEVEL: 'warn', ...opts.env },
  );
  const server = await createServer(config, {
    imports: opts.imports,
    quiet: true,
    shippedPredictors: opts.shippedPredictors,
    shippedSupernets: opts.shippedSupernets,
  });
  const http = server.app.getHttpServer();
  const as = (key: string): AuthedAgent => ({
    get: (p) => request(http).get(`/api/v1${p}`).set('Authorization', `Bearer ${key}`),
    post: (p) => request(http).post(`/api/v1${p}`).set('Authorization', `Bearer ${key}`),
    delete: (p) => request(http).delete(`/api/v1${p}`).set('Authorization', `Bearer ${key}`),
  });
  return {
    server,
    url: server.url,
    dataDir,
    admin: () => as(TEST_ADMIN_KEY),
    as,
    close: async () => {
      await server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a search until it ends (or the timeout passes). */
export async function waitForSearch(agent: AuthedAgent, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await agent.get(`/searches/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`search ${id} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls a predictor or calibration until it ends; returns the last body and every progress seen. */
export async function waitForJob(agent: AuthedAgent, path: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  const progress: unknown[] = [];
  for (;;) {
    const res = await agent.get(path).expect(200);
    progress.push(res.body.progress);
    if (['succeeded', 'failed'].includes(res.body.status)) return { body: res.body, progress };
    if (Date.now() > deadline) throw new Error(`${path} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
