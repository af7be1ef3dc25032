import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentRuntimeConfig, HardwareFingerprint, ReplaySource } from '@tailor/farm';
import { identityMismatches } from './identity';

/** What `<state-dir>/agent.json` holds: the agent's identity and secret (hence mode 0600). */
export interface AgentState {
  readonly server: string;
  readonly agentId: string;
  readonly secret: string;
  readonly deviceId: string;
  readonly name: string;
  readonly runtime: AgentRuntimeConfig;
  readonly fingerprint: HardwareFingerprint;
  readonly replay?: ReplaySource;
  /** From registration; refreshed by heartbeat and lease answers at run time. */
  readonly heartbeatIntervalSec: number;
  readonly leaseTtlSec: number;
  readonly createdAt: string;
}

export const STATE_FILE = 'agent.json';

/** A state dir that cannot be used as asked; exit code 2 like other setup problems. */
export class StateError extends Error {
  override name = 'StateError';
}

export function statePath(dir: string): string {
  return path.join(dir, STATE_FILE);
}

/** The stored identity, or undefined when the dir has none yet (first start). */
export function loadState(dir: string): AgentState | undefined {
  const file = statePath(dir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(`--state-dir: cannot read ${file}: ${(e as Error).message}`);
  }
  let state: Partial<AgentState>;
  try {
    state = JSON.parse(text) as Partial<AgentState>;
  } catch (e) {
    throw new StateError(`--state-dir: ${file} is not valid JSON (${(e as Error).message})`);
  }
  for (const key of ['server', 'agentId', 'secret', 'deviceId', 'runtime', 'fingerprint'] as const) {
    if (state[key] === undefined)
      throw new StateError(`--state-dir: ${file} has no "${key}"; is it an agent state file?`);
  }
  return state as AgentState;
}

/** Writes atomically (temp file + rename) so a crash never leaves a half-written secret behind. */
export function saveState(dir: string, state: AgentState): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = statePath(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  // writeFileSync's mode applies only to new files and is subject to the umask; make sure.
  fs.chmodSync(file, 0o600);
}

export interface RequestedIdentity {
  readonly server: string;
  readonly runtime: AgentRuntimeConfig;
  readonly fingerprint: HardwareFingerprint;
  readonly replay?: ReplaySource;
}

/**
 * Refuses a stored identity made for another server, runtime configuration, machine or replayed
 * device: one state dir is one agent serving one device.
 */
export function checkStateMatches(dir: string, stored: AgentState, wanted: RequestedIdentity): void {
  const problems = identityMismatches(stored, wanted);
  if (stored.server !== wanted.server) problems.unshift(`server ${stored.server} → ${wanted.server}`);
  if ((stored.replay?.device ?? null) !== (wanted.replay?.device ?? null)) {
    problems.push(`replay device ${stored.replay?.device ?? 'none'} → ${wanted.replay?.device ?? 'none'}`);
  }
  if ((stored.replay?.searchSpace ?? null) !== (wanted.replay?.searchSpace ?? null)) {
    problems.push(
      `replay space ${stored.replay?.searchSpace ?? 'none'} → ${wanted.replay?.searchSpace ?? 'none'}`,
    );
  }
  if (problems.length > 0) {
    throw new StateError(
      `--state-dir ${dir}: holds agent ${stored.agentId} (device ${stored.deviceId}) registered with a ` +
        `different configuration (${problems.join('; ')}). One state dir serves one device: use another ` +
        `--state-dir (with --enroll-token) for this configuration, or restart with the original flags.`,
    );
  }
}
