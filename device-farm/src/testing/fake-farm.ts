import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  farmDeviceId,
  type FailureRequest,
  type LeasedTask,
  type RegisterRequest,
  type ResultRequest,
  DEFAULT_TASK_PARAMS,
} from '@tailor/farm';

/** Test double of the server side of the farm protocol: just enough state to drive an agent. */
export interface FakeFarm {
  readonly url: string;
  /** Every request in arrival order (route without the /api/v1/ prefix). */
  readonly requests: { route: string; auth?: string; body: unknown; status: number }[];
  /** Tasks waiting to be leased. */
  readonly queue: LeasedTask[];
  readonly held: Set<string>;
  readonly results: Map<string, ResultRequest>;
  readonly failures: Map<string, FailureRequest>;
  readonly registrations: RegisterRequest[];
  /** Requests received but not yet answered (e.g. a long poll an agent abandoned). */
  pending(): number;
  /** Answer the next `times` requests whose route starts with `prefix` with `status`. */
  inject(prefix: string, status: number, times?: number): void;
  /** From now on every agent route answers 401. */
  revoke(): void;
  /** Resolves once `check` holds (polled), rejects after `timeoutMs`. */
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const FAKE_SECRET = 'fake-secret';
export const FAKE_TOKEN = 'enroll-me';

export function fakeTask(id: string, searchSpace: string, arch: string, params = {}): LeasedTask {
  return {
    id,
    searchSpace,
    arch,
    params: { ...DEFAULT_TASK_PARAMS, ...params },
    attempt: 1,
    leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
  };
}

export interface FakeFarmOptions {
  readonly heartbeatIntervalSec?: number;
  readonly leaseTtlSec?: number;
  /** Listen on this port (e.g. one an agent is already retrying against); default any free port. */
  readonly port?: number;
}

/**
 * A port nothing listens on right now (connections to it are refused). Picked below Linux's ephemeral
 * range so neither another test's server nor the agent's own retrying sockets land on it meanwhile.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const probe = http.createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => probe.close(resolve));
      return port;
    }
  }
}

export async function startFakeFarm(opts: FakeFarmOptions = {}): Promise<FakeFarm> {
  const requests: FakeFarm['requests'] = [];
  const queue: LeasedTask[] = [];
  const held = new Set<string>();
  const results = new Map<string, ResultRequest>();
  const failures = new Map<string, FailureRequest>();
  const registrations: RegisterRequest[] = [];
  const injected: { prefix: string; status: number; times: number }[] = [];
  let revoked = false;
  const leaseTtlSec = opts.leaseTtlSec ?? 3;

  let deviceId = '';
  let pending = 0;
  const handle = async (
    route: string,
    auth: string | undefined,
    body: Record<string, unknown>,
    gone: () => boolean,
  ) => {
    const rule = injected.find((r) => r.times > 0 && route.startsWith(r.prefix));
    if (rule) {
      rule.times--;
      return { status: rule.status, body: { statusCode: rule.status, message: 'injected' } };
    }
    if (route === 'agent/register') {
      const req = body as unknown as RegisterRequest;
      if (req.enrollmentToken !== FAKE_TOKEN) return { status: 401, body: { message: 'bad token' } };
      registrations.push(req);
      deviceId = farmDeviceId(req.fingerprint, req.runtime, req.replay);
      const heartbeatIntervalSec = opts.heartbeatIntervalSec ?? 0.2;
      return {
        status: 201,
        body: { agentId: 'agent-1', secret: FAKE_SECRET, deviceId, heartbeatIntervalSec, leaseTtlSec },
      };
    }
    if (revoked || auth !== `Bearer ${FAKE_SECRET}`)
      return { status: 401, body: { message: 'unknown agent' } };
    if (route === 'agent/heartbeat') {
      const heartbeatIntervalSec = opts.heartbeatIntervalSec ?? 0.2;
      return { status: 200, body: { agentId: 'agent-1', deviceId, heartbeatIntervalSec, serverTime: '' } };
    }
    if (route === 'agent/lease') {
      // A short long-poll keeps tests fast while still exercising the wait.
      if (queue.length === 0) await new Promise((r) => setTimeout(r, 30));
      // Like the real server must: never hand tasks to a long poll whose agent has hung up.
      if (gone()) return { status: 499, body: {} };
      const tasks = queue.splice(0, Number(body.max ?? 1));
      tasks.forEach((t) => held.add(t.id));
      return { status: 200, body: { tasks, leaseTtlSec } };
    }
    if (route === 'agent/leases/extend') {
      const extended = (body.taskIds as string[]).filter((id) => held.has(id));
      return { status: 200, body: { extended, leaseExpiresAt: new Date().toISOString() } };
    }
    const m = /^agent\/tasks\/([^/]+)\/(result|failure)$/.exec(route);
    if (m) {
      if (!held.delete(m[1])) return { status: 409, body: { message: 'task not held' } };
      if (m[2] === 'result') results.set(m[1], body as unknown as ResultRequest);
      else failures.set(m[1], body as unknown as FailureRequest);
      return { status: 201, body: {} };
    }
    return { status: 404, body: { message: `no route ${route}` } };
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const route = (req.url ?? '').replace(/^\/api\/v1\//, '');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      pending++;
      let closed = false;
      // Before the answer is written, 'close' on the response means the agent hung up.
      res.on('close', () => (closed = true));
      const gone = () => closed;
      void handle(route, req.headers.authorization, body, gone).then((out) => {
        pending--;
        requests.push({ route, auth: req.headers.authorization, body, status: out.status });
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out.body));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue,
    held,
    results,
    failures,
    registrations,
    pending: () => pending,
    inject: (prefix, status, times = 1) => void injected.push({ prefix, status, times }),
    revoke: () => void (revoked = true),
    // Generous: it polls a condition, it does not time anything. 5 s failed under CI load (issue 5 notes).
    async until(check, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('fake farm: condition not met in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
