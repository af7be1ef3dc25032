import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LeasedTask } from '@tailor/farm';
import { Agent, EXIT_OK, EXIT_REVOKED, type AgentOptions } from './agent';
import type { TaskExecutor, TaskOutcome } from './executor';
import { Aborted } from './http';
import { AGENT_VERSION, hardwareFingerprint } from './identity';
import { Progress } from './progress';
import { loadState } from './state';
import { FAKE_TOKEN, fakeTask, freePort, startFakeFarm, type FakeFarm } from './testing/fake-farm';

/** An executor that "measures" instantly, or waits until aborted when `hang` is set. */
function fakeExecutor(hang = false): TaskExecutor & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    execute: (task: LeasedTask, signal?: AbortSignal): Promise<TaskOutcome> => {
      seen.push(task.id);
      if (hang)
        return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Aborted())));
      const now = new Date().toISOString();
      const result = {
        samples: [1.5, 1.6],
        buildMs: 3,
        firstRunMs: 2,
        remeasured: false,
        noisy: false,
        replayed: false,
        startedAt: now,
        finishedAt: now,
      };
      return Promise.resolve({ kind: 'result', result, medianMs: 1.55, cv: 0.03 });
    },
  };
}

describe('Agent against a fake farm server', () => {
  let farm: FakeFarm;
  let dir: string;
  let out: string[];
  const io = () => ({
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => out.push(s) },
  });
  // Every agent is stopped after its test, so a failed test cannot leave one polling forever.
  let agents: Agent[] = [];
  const agent = (executor: TaskExecutor, extra: Partial<AgentOptions> = {}) => {
    const a = new Agent({
      server: farm.url,
      stateDir: dir,
      executor,
      enrollToken: FAKE_TOKEN,
      registration: {
        name: 'test-agent',
        agentVersion: AGENT_VERSION,
        fingerprint: hardwareFingerprint(),
        runtime: { name: 'tfjs-cpu', version: '4', threads: 1, batchSize: 1 },
      },
      progress: new Progress(io(), 'tfjs-cpu'),
      backoff: { baseMs: 20, capMs: 100 },
      leaseWaitSec: 1,
      ...extra,
    });
    agents.push(a);
    return a;
  };
  const log = () => out.join('');
  // Wait for the agent's own log line, not the server's state: stopping between the two would
  // abort the agent's request after the server stored the result (then the retry answers 409).

  beforeEach(async () => {
    farm = await startFakeFarm();
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-')), 'state');
    out = [];
  });
  afterEach(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    agents = [];
    await farm.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('registers, saves its identity, leases, reports a result and heartbeats; restarts as the same agent', async () => {
    farm.queue.push(fakeTask('t1', 'nasbench201', 'a'));
    const a = agent(fakeExecutor());
    const done = a.run();
    await farm.until(
      () =>
        log().includes('measured nasbench201 a') && farm.requests.some((r) => r.route === 'agent/heartbeat'),
    );
    expect(await a.stop()).toBe(EXIT_OK);
    expect(await done).toBe(EXIT_OK);
    expect(farm.registrations[0]).toMatchObject({ enrollmentToken: FAKE_TOKEN, name: 'test-agent' });
    expect(farm.results.get('t1')).toMatchObject({ samples: [1.5, 1.6] });
    const state = loadState(dir)!;
    expect(state).toMatchObject({ agentId: 'agent-1', secret: 'fake-secret', server: farm.url });
    expect(log()).toContain(`agent agent-1 serving device ${state.deviceId}`);
    expect(log()).toMatch(/measured nasbench201 a: median 1\.55 ms \(cv 3\.0%\) in \d/);
    const lease = farm.requests.find((r) => r.route === 'agent/lease')!;
    expect(lease).toMatchObject({ auth: 'Bearer fake-secret', body: { max: 1, waitSec: 1 } });

    // Restart from the state dir: no token, no second registration. The stopped agent's abandoned
    // long poll must be over first, or it could take the new task (see the fake's `gone` check).
    await farm.until(() => farm.pending() === 0);
    const again = agent(fakeExecutor(), { state, enrollToken: undefined });
    farm.queue.push(fakeTask('t2', 'nasbench201', 'b'));
    const run2 = again.run();
    await farm.until(() => log().includes('measured nasbench201 b'));
    expect(await again.stop()).toBe(EXIT_OK);
    await run2;
    expect(farm.registrations).toHaveLength(1);
  });

  it('waits for a server that is not up yet (connection refused), logging the outage once', async () => {
    await farm.close();
    const port = await freePort();
    const a = agent(fakeExecutor(), { server: `http://127.0.0.1:${port}` });
    const done = a.run();
    await new Promise((r) => setTimeout(r, 300)); // several refused attempts at 20–100 ms backoff
    farm = await startFakeFarm({ port });
    farm.queue.push(fakeTask('t1', 'nasbench201', 'a'));
    await farm.until(() => log().includes('measured nasbench201 a'));
    await a.stop();
    expect(await done).toBe(EXIT_OK);
    expect(log().match(/server unreachable \(ECONNREFUSED\), retrying in 0\.\d s/g)).toHaveLength(1);
    expect(log().match(/reconnected/g)).toHaveLength(1);
  });

  it('retries 503s on registration and on results until the result is accepted', async () => {
    farm.inject('agent/register', 503, 3);
    farm.inject('agent/tasks/', 503, 2);
    farm.queue.push(fakeTask('t1', 'nasbench201', 'a'));
    const a = agent(fakeExecutor());
    const done = a.run();
    await farm.until(() => log().includes('measured nasbench201 a'));
    await a.stop();
    expect(await done).toBe(EXIT_OK);
    expect(log().match(/server unreachable/g)?.length).toBeGreaterThanOrEqual(1);
    expect(log()).toContain('reconnected');
    expect(farm.requests.filter((r) => r.route === 'agent/tasks/t1/result').map((r) => r.status)).toEqual([
      503, 503, 201,
    ]);
  });

  it('keeps going after a 409 on a result (task no longer held)', async () => {
    farm.queue.push(fakeTask('t1', 'nasbench201', 'a'), fakeTask('t2', 'nasbench201', 'b'));
    farm.inject('agent/tasks/t1/result', 409);
    const a = agent(fakeExecutor());
    const done = a.run();
    await farm.until(() => log().includes('measured nasbench201 b'));
    await a.stop();
    await done;
    expect(log()).toContain('task t1 is no longer held by this agent (409)');
  });

  it('exits with code 3 when the server answers 401 (revoked)', async () => {
    const a = agent(fakeExecutor());
    const done = a.run();
    await farm.until(() => farm.requests.some((r) => r.route === 'agent/lease'));
    farm.revoke();
    expect(await done).toBe(EXIT_REVOKED);
    expect(log()).toMatch(/agent agent-1: the server no longer accepts this agent's secret \(HTTP 401/);
  });

  it('exits with code 3 when the enrollment token is refused', async () => {
    const done = await agent(fakeExecutor(), { enrollToken: 'wrong' }).run();
    expect(done).toBe(EXIT_REVOKED);
    expect(log()).toMatch(/refused the enrollment token/);
  });

  it('stop() abandons the measurement in progress and releases the held task', async () => {
    farm.queue.push(fakeTask('t1', 'nasbench201', 'a'));
    const exec = fakeExecutor(true);
    const a = agent(exec);
    const done = a.run();
    await farm.until(() => exec.seen.length === 1);
    expect(await a.stop()).toBe(EXIT_OK);
    await done;
    expect(farm.failures.get('t1')).toEqual({
      reason: 'agent shutting down',
      retryable: true,
      released: true,
    });
    expect(log()).toContain('released task t1');
  });

  it('extends held leases while measuring and abandons a task whose lease was lost', async () => {
    await farm.close();
    farm = await startFakeFarm({ leaseTtlSec: 0.15 });
    farm.queue.push(fakeTask('t1', 'nasbench201', 'a'));
    const exec = fakeExecutor(true);
    const a = agent(exec);
    const done = a.run();
    await farm.until(() => farm.requests.some((r) => r.route === 'agent/leases/extend'));
    expect(farm.requests.find((r) => r.route === 'agent/leases/extend')?.body).toEqual({ taskIds: ['t1'] });
    farm.held.delete('t1'); // the server took the task back
    await farm.until(() => log().includes('lease on task t1 was lost'));
    await a.stop();
    await done;
    expect(farm.failures.has('t1')).toBe(false);
  });
});
