import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAgentCommand, type AgentCommandOptions } from './cli';
import type { Agent } from './agent';
import { loadState, saveState } from './state';
import { FAKE_TOKEN, fakeTask, startFakeFarm, type FakeFarm } from './testing/fake-farm';

// This file loads tfjs-cpu: tfjs backends are process-global, and jest gives each spec file its own.
const NB201 = path.resolve(__dirname, '../../../shared/data/help/nasbench201.json');
const FMNIST = 'w1-d2,2,2,2-ks3,5,7,3,5,7,3,5,7,3,5,7-e2,3,4,4,3,2,2,3,4,4,3,2';

describe('runAgentCommand', () => {
  let dir: string;
  let out: string;
  let farm: FakeFarm | undefined;
  const options = (extra: Partial<AgentCommandOptions> = {}): AgentCommandOptions => ({
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (out += s) },
    signals: false,
    backoff: { baseMs: 20, capMs: 100 },
    leaseWaitSec: 1,
    ...extra,
  });
  /** Runs the command until `ready` holds, then stops the agent; resolves with the exit code. */
  async function serve(argv: string[], ready: () => boolean): Promise<number> {
    let agent: Agent | undefined;
    const code = runAgentCommand(argv, options({ onAgent: (a) => (agent = a) }));
    try {
      await farm!.until(ready, 20_000);
    } finally {
      await agent?.stop();
    }
    return code;
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-cli-'));
    out = '';
  });
  afterEach(async () => {
    await farm?.close();
    farm = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the usage for --help', async () => {
    expect(await runAgentCommand(['--help'], options())).toBe(0);
    expect(out).toContain('Usage: tailor agent --server URL');
  });

  it.each([
    [['--runtime', 'tfjs-cpu'], /--server: is required/],
    [['--server', 'http://127.0.0.1:9', '--runtime', 'gpu'], /--runtime: unknown runtime "gpu"/],
    [['--server', 'http://127.0.0.1:9', '--runtime', 'tfjs-node'], /--runtime tfjs-node: .*unavailable/],
    [
      ['--server', 'http://127.0.0.1:9', '--runtime', 'tfjs-cpu'],
      /--enroll-token: is required on the first start/,
    ],
    [
      ['--server', 'http://127.0.0.1:9', '--replay', NB201, '--device', 'nope'],
      /--device nope: not a device of nasbench201\.json; it has .*pixel3/,
    ],
  ])('%j exits 2 with one clear line, before any request', async (argv, message) => {
    const fetch = jest.fn();
    expect(await runAgentCommand([...argv, '--state-dir', dir], options({ fetch }))).toBe(2);
    expect(out).toMatch(message);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('measures a real fmnist-mbv3 task end to end with tfjs-cpu, then refuses other flags on the same state dir', async () => {
    farm = await startFakeFarm();
    farm.queue.push(fakeTask('t1', 'fmnist-mbv3', FMNIST, { warmupRuns: 1, repeats: 2, minRepeatMs: 5 }));
    const argv = ['--server', farm.url, '--runtime', 'tfjs-cpu', '--state-dir', dir, '--name', 'cli-test'];
    expect(await serve([...argv, '--enroll-token', FAKE_TOKEN], () => out.includes('measured'))).toBe(0);
    expect(out).toMatch(/agent agent-1 serving device tfjs-cpu-t1-b1-/);
    expect(out).toMatch(/measured fmnist-mbv3 w1-d2.*: median [\d.]+ ms \(cv [\d.]+%\) in [\d.]+ s/);
    expect(farm.registrations[0]).toMatchObject({
      name: 'cli-test',
      runtime: { name: 'tfjs-cpu', threads: 1, batchSize: 1 },
    });
    expect(farm.results.get('t1')).toMatchObject({
      replayed: false,
      samples: [expect.any(Number), expect.any(Number)],
    });
    expect(loadState(dir)).toMatchObject({ agentId: 'agent-1', name: 'cli-test' });

    out = '';
    expect(await runAgentCommand([...argv, '--batch', '4'], options())).toBe(2);
    expect(out).toMatch(/--state-dir .*batch 1 → 4.*use another --state-dir/);
  }, 30_000);

  it('replays HELP latencies and registers the replay source', async () => {
    farm = await startFakeFarm();
    const arch = (JSON.parse(fs.readFileSync(NB201, 'utf8')) as { archs: string[] }).archs[3];
    farm.queue.push(fakeTask('r1', 'nasbench201', arch), fakeTask('r2', 'fbnet', 'x'));
    const argv = ['--server', farm.url, '--replay', NB201, '--device', 'pixel3', '--state-dir', dir];
    const code = await serve([...argv, '--enroll-token', FAKE_TOKEN], () => out.includes('failed fbnet'));
    expect(code).toBe(0);
    expect(farm.registrations[0]).toMatchObject({
      runtime: { name: 'replay', version: '', threads: 1, batchSize: 1 },
      replay: { device: 'pixel3', searchSpace: 'nasbench201', file: 'nasbench201.json', archCount: 15625 },
    });
    expect(out).toContain('agent agent-1 serving device replay-pixel3');
    expect(farm.results.get('r1')).toMatchObject({ replayed: true, buildMs: null });
    expect(farm.failures.get('r2')).toMatchObject({ retryable: false });
  }, 30_000);

  it('exits 3 when the stored agent was revoked', async () => {
    farm = await startFakeFarm();
    const state = {
      server: farm.url,
      agentId: 'gone',
      secret: 'old',
      deviceId: 'd',
      name: 'n',
      heartbeatIntervalSec: 1,
      leaseTtlSec: 60,
      createdAt: '',
    };
    const { hardwareFingerprint } = await import('./identity');
    const { version_core } = await import('@tensorflow/tfjs');
    const runtime = { name: 'tfjs-cpu' as const, version: version_core, threads: 1, batchSize: 1 };
    saveState(dir, { ...state, runtime, fingerprint: hardwareFingerprint() });
    const code = await runAgentCommand(
      ['--server', farm.url, '--runtime', 'tfjs-cpu', '--state-dir', dir],
      options(),
    );
    expect(code).toBe(3);
    expect(out).toMatch(/agent gone: the server no longer accepts this agent's secret \(HTTP 401/);
  });
});
