import * as os from 'node:os';
import { RUNTIME_NAMES, type RuntimeName } from '@tailor/measurement';

/** A command-line problem; the CLI prints it and exits with code 2 before touching the network. */
export class UsageError extends Error {
  constructor(
    readonly flag: string,
    problem: string,
  ) {
    super(`${flag}: ${problem}`);
    this.name = 'UsageError';
  }
}

export interface ReplayArgs {
  readonly file: string;
  readonly device: string;
}

export interface AgentArgs {
  readonly help: false;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:3000. */
  readonly server: string;
  readonly enrollToken?: string;
  readonly runtime: RuntimeName | 'replay';
  readonly threads: number;
  readonly batch: number;
  readonly name: string;
  readonly stateDir: string;
  readonly replay?: ReplayArgs;
}

export type ParsedArgs = AgentArgs | { readonly help: true };

export const AGENT_USAGE = `Usage: tailor agent --server URL [options]

Serve one device of a Tailor device farm: lease measurement tasks, time the models, report results.

  --server URL          Tailor server base URL, e.g. http://127.0.0.1:3000 (required)
  --enroll-token T      enrollment token; needed only on the first start (no identity in --state-dir)
  --runtime R           ${RUNTIME_NAMES.join(' | ')} (default tfjs-wasm)
  --threads N           intra-op threads (default 1)
  --batch N             batch size of the timed input (default 1)
  --name NAME           agent name shown by the server (default <hostname>-<runtime>)
  --state-dir DIR       where the agent keeps its identity (default ./.tailor-agent)
  --replay FILE         answer from a recorded HELP-schema latency table instead of measuring
  --device NAME         the device of --replay FILE to stand in for (required with --replay)
  --help                show this help

Exit codes: 0 stopped cleanly, 1 unexpected error, 2 bad arguments or setup, 3 agent revoked.`;

const FLAGS_WITH_VALUE = new Set([
  '--server',
  '--enroll-token',
  '--runtime',
  '--threads',
  '--batch',
  '--name',
  '--state-dir',
  '--replay',
  '--device',
]);

function positiveInt(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1024) {
    throw new UsageError(flag, `must be an integer between 1 and 1024, got "${raw}"`);
  }
  return Number(raw);
}

function serverUrl(raw: string | undefined): string {
  if (raw === undefined)
    throw new UsageError('--server', 'is required (e.g. --server http://127.0.0.1:3000)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError('--server', `is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('--server', `must be an http:// or https:// URL, got "${raw}"`);
  }
  // Routes are appended as `${server}/api/v1/...`, so a trailing slash would double up.
  return raw.replace(/\/+$/, '');
}

/** Parses `tailor agent` arguments (`--flag value` or `--flag=value`); throws UsageError. */
export function parseAgentArgs(argv: readonly string[], hostname: string = os.hostname()): ParsedArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!FLAGS_WITH_VALUE.has(flag)) {
      throw new UsageError(flag, arg.startsWith('-') ? 'unknown option' : 'unexpected argument');
    }
    if (values.has(flag)) throw new UsageError(flag, 'given more than once');
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      throw new UsageError(flag, 'needs a value');
    }
    values.set(flag, value);
  }

  const server = serverUrl(values.get('--server'));
  const replayFile = values.get('--replay');
  const device = values.get('--device');
  if (device !== undefined && replayFile === undefined)
    throw new UsageError('--device', 'needs --replay FILE');
  if (replayFile !== undefined && device === undefined) {
    throw new UsageError('--replay', 'needs --device NAME (the recorded device to stand in for)');
  }
  const runtimeFlag = values.get('--runtime');
  if (replayFile !== undefined && runtimeFlag !== undefined) {
    throw new UsageError('--runtime', 'cannot be combined with --replay (a replay agent runs no models)');
  }
  for (const flag of ['--threads', '--batch']) {
    if (replayFile !== undefined && values.has(flag)) {
      throw new UsageError(flag, 'cannot be combined with --replay (the recorded file fixes the batch size)');
    }
  }
  const runtime = replayFile !== undefined ? 'replay' : (runtimeFlag ?? 'tfjs-wasm');
  if (runtime !== 'replay' && !(RUNTIME_NAMES as readonly string[]).includes(runtime)) {
    throw new UsageError('--runtime', `unknown runtime "${runtime}"; known: ${RUNTIME_NAMES.join(', ')}`);
  }
  const name = values.get('--name') ?? defaultName(hostname, runtime, device);
  if (name.length > 64) throw new UsageError('--name', `must be at most 64 characters, got ${name.length}`);
  return {
    help: false,
    server,
    enrollToken: values.get('--enroll-token'),
    runtime: runtime as AgentArgs['runtime'],
    threads: positiveInt('--threads', values.get('--threads'), 1),
    batch: positiveInt('--batch', values.get('--batch'), 1),
    name,
    stateDir: values.get('--state-dir') ?? './.tailor-agent',
    ...(replayFile !== undefined ? { replay: { file: replayFile, device: device! } } : {}),
  };
}

/** `<host>-<runtime>`; replay agents add the device so several on one host stay distinguishable. */
function defaultName(hostname: string, runtime: string, device?: string): string {
  const name = device ? `${hostname}-replay-${device}` : `${hostname}-${runtime}`;
  return name.slice(0, 64);
}

/** What a launcher (`tailor serve --agents`, the benchmarks) starts a measuring agent with. */
export type AgentLaunch = Pick<
  AgentArgs,
  'server' | 'enrollToken' | 'threads' | 'batch' | 'name' | 'stateDir'
> & {
  readonly runtime: RuntimeName;
};

/** The `tailor agent` arguments that parseAgentArgs reads back as `launch`. */
export function agentCommandArgs(launch: AgentLaunch): string[] {
  return [
    '--server',
    launch.server,
    ...(launch.enrollToken ? ['--enroll-token', launch.enrollToken] : []),
    '--runtime',
    launch.runtime,
    '--threads',
    String(launch.threads),
    '--batch',
    String(launch.batch),
    '--name',
    launch.name,
    '--state-dir',
    launch.stateDir,
  ];
}
