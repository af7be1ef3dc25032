import * as path from 'node:path';
import { TailorError } from '@tailor/common';
import type { AgentRuntimeConfig, ReplaySource } from '@tailor/farm';
import { resolveRuntime } from '@tailor/measurement';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { Agent, EXIT_ERROR, EXIT_OK, EXIT_USAGE, type AgentOptions } from './agent';
import { AGENT_USAGE, parseAgentArgs, UsageError, type AgentArgs } from './args';
import { errorText, MeasureExecutor, type TaskExecutor } from './executor';
import type { BackoffOptions, FetchFn } from './http';
import { AGENT_VERSION, hardwareFingerprint } from './identity';
import { processIo, Progress, type AgentIo } from './progress';
import { loadReplayTable, ReplaySetupError } from './replay';
import { checkStateMatches, loadState, StateError } from './state';

export interface AgentCommandOptions extends Partial<AgentIo> {
  /** Install SIGINT/SIGTERM handlers that call agent.stop() (default true; tests drive stop() themselves). */
  readonly signals?: boolean;
  readonly fetch?: FetchFn;
  readonly backoff?: BackoffOptions;
  readonly leaseWaitSec?: number;
  /** Receives the agent before it starts, e.g. so a test can stop() it. */
  readonly onAgent?: (agent: Agent) => void;
}

/** A problem found before any network call: printed as one line, exit code 2. */
class SetupError extends Error {}

interface Prepared {
  readonly executor: TaskExecutor;
  readonly runtime: AgentRuntimeConfig;
  readonly replay?: ReplaySource;
}

/** Loads the search spaces plus the runtime (or replay table), so a broken setup fails before enrolling. */
async function prepare(args: AgentArgs): Promise<Prepared> {
  const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
  if (args.replay) {
    const table = loadReplayTable(args.replay.file, args.replay.device, registry);
    return { executor: table.executor, runtime: table.runtime, replay: table.source };
  }
  let runtime;
  try {
    runtime = resolveRuntime(args.runtime, { threads: args.threads });
  } catch (e) {
    const flag = e instanceof TailorError && e.field === 'threads' ? '--threads' : '--runtime';
    throw new SetupError(`${flag}: ${errorText(e).replace(/^\w+: /, '')}`);
  }
  try {
    await runtime.load();
  } catch (e) {
    throw new SetupError(`--runtime ${args.runtime}: ${errorText(e).replace(/^runtime: /, '')}`);
  }
  return {
    executor: new MeasureExecutor(runtime, registry, args.batch),
    runtime: {
      name: runtime.name,
      version: runtime.version,
      threads: runtime.threads,
      batchSize: args.batch,
    },
  };
}

/**
 * `tailor agent …`: parses flags, loads the runtime or replay table, checks the state dir, then runs
 * the agent until it is stopped (0), revoked (3) or fails (1). Setup problems exit 2 before any request.
 */
export async function runAgentCommand(argv: string[], options: AgentCommandOptions = {}): Promise<number> {
  const io: AgentIo = { ...processIo(), ...options };
  const fail = (message: string, code = EXIT_USAGE): number => {
    io.stderr.write(`tailor agent: ${message}\n`);
    return code;
  };
  let args: AgentArgs;
  let prepared: Prepared;
  let agentOptions: AgentOptions;
  try {
    const parsed = parseAgentArgs(argv);
    if (parsed.help) {
      io.stdout.write(`${AGENT_USAGE}\n`);
      return EXIT_OK;
    }
    args = parsed;
    prepared = await prepare(args);
    const fingerprint = hardwareFingerprint();
    const stored = loadState(args.stateDir);
    if (stored) {
      checkStateMatches(args.stateDir, stored, { server: args.server, fingerprint, ...prepared });
    } else if (!args.enrollToken) {
      throw new UsageError(
        '--enroll-token',
        `is required on the first start: ${path.resolve(args.stateDir)} holds no agent identity yet`,
      );
    }
    const progress = new Progress(io, prepared.runtime.name);
    if (stored && args.enrollToken)
      progress.log(`already enrolled as agent ${stored.agentId}; --enroll-token ignored`);
    agentOptions = {
      server: args.server,
      stateDir: args.stateDir,
      executor: prepared.executor,
      registration: {
        name: stored?.name ?? args.name,
        agentVersion: AGENT_VERSION,
        fingerprint,
        runtime: prepared.runtime,
        ...(prepared.replay ? { replay: prepared.replay } : {}),
      },
      enrollToken: args.enrollToken,
      state: stored,
      progress,
      fetch: options.fetch,
      backoff: options.backoff,
      leaseWaitSec: options.leaseWaitSec,
    };
  } catch (e) {
    const setup = [UsageError, SetupError, StateError, ReplaySetupError].some((k) => e instanceof k);
    return fail(errorText(e), setup ? EXIT_USAGE : EXIT_ERROR);
  }

  const agent = new Agent(agentOptions);
  options.onAgent?.(agent);
  const signals = options.signals ?? true;
  let signalled = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now": skip giving tasks back (their leases expire on the server).
    if (++signalled > 1) process.exit(130);
    agentOptions.progress.log(`${signal}: stopping, giving held tasks back (again to quit at once)`);
    void agent.stop();
  };
  if (signals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    return await agent.run();
  } finally {
    if (signals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
