import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentRuntimeConfig } from '@tailor/farm';
import { hardwareFingerprint } from './identity';
import { checkStateMatches, loadState, saveState, StateError, statePath, type AgentState } from './state';

const runtime: AgentRuntimeConfig = { name: 'tfjs-cpu', version: '4.22.0', threads: 1, batchSize: 1 };
const fingerprint = hardwareFingerprint();
const state: AgentState = {
  server: 'http://127.0.0.1:3000',
  agentId: 'a1',
  secret: 's',
  deviceId: 'd1',
  name: 'n',
  runtime,
  fingerprint,
  heartbeatIntervalSec: 15,
  leaseTtlSec: 60,
  createdAt: '2025-01-01T00:00:00.000Z',
};

describe('agent state dir', () => {
  let dir: string;
  beforeEach(() => (dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-state-')), 'nested')));
  afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('fingerprints this machine', () => {
    expect(fingerprint.cores).toBeGreaterThan(0);
    expect(fingerprint.cpuModel).toBe(fingerprint.cpuModel.trim());
    expect(fingerprint.memoryGiB * 10).toBe(Math.round(fingerprint.memoryGiB * 10));
    expect(fingerprint.os).toBe(`${os.platform()} ${os.release()}`);
    expect(fingerprint.nodeVersion).toBe(process.version);
  });

  it('is empty until saved, then round-trips with a private file mode', () => {
    expect(loadState(dir)).toBeUndefined();
    saveState(dir, state);
    expect(loadState(dir)).toEqual(state);
    expect(fs.statSync(statePath(dir)).mode & 0o777).toBe(0o600);
  });

  it('accepts the same configuration with a newer runtime version (provenance only)', () => {
    expect(() =>
      checkStateMatches(dir, state, {
        server: state.server,
        fingerprint,
        runtime: { ...runtime, version: '9' },
      }),
    ).not.toThrow();
  });

  it.each([
    ['threads', { runtime: { ...runtime, threads: 2 } }],
    ['runtime', { runtime: { ...runtime, name: 'onnxruntime' as const } }],
    ['batch', { runtime: { ...runtime, batchSize: 4 } }],
    ['server', { server: 'http://elsewhere:3000' }],
    ['cpu', { fingerprint: { ...fingerprint, cpuModel: 'Other CPU' } }],
  ])('refuses a different %s and tells the user to use another --state-dir', (what, change) => {
    const wanted = { server: state.server, fingerprint, runtime, ...change };
    expect(() => checkStateMatches(dir, state, wanted)).toThrow(StateError);
    expect(() => checkStateMatches(dir, state, wanted)).toThrow(
      new RegExp(`${what} .*use another --state-dir`),
    );
  });

  it('names the file when it is not an agent state file', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(statePath(dir), '{"agentId": "x"}');
    expect(() => loadState(dir)).toThrow(/agent\.json has no "server"/);
    fs.writeFileSync(statePath(dir), '{oops');
    expect(() => loadState(dir)).toThrow(/agent\.json is not valid JSON/);
  });
});
