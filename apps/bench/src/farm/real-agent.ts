/**
 * Real `tailor agent` processes and the batches they measure, for the quality and dataset parts. One
 * agent runs at a time, so two runtimes never time models on the same cores at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { agentCommandArgs } from '@tailor/device-farm';
import { configLabel, type RuntimeConfig } from './args';
import type { Api } from './http';
import { childEnv, REPO_ROOT, stopChild, TAILOR_MAIN, waitForLine } from './server';
import { duration, log, sleep } from './util';

export interface RunningAgent {
  readonly config: RuntimeConfig;
  readonly agentId: string;
  readonly deviceId: string;
  readonly logFile: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts an agent for `c` and resolves once it has registered and serves its device. */
export async function startAgent(
  serverUrl: string,
  token: string,
  c: RuntimeConfig,
  workDir: string,
): Promise<RunningAgent> {
  const name = `bench-${c.runtime}-t${c.threads}-b${c.batch}`;
  const logFile = path.join(workDir, `${name}.log`);
  const logStream = fs.createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      TAILOR_MAIN,
      'agent',
      ...agentCommandArgs({
        server: serverUrl,
        enrollToken: token,
        runtime: c.runtime,
        threads: c.threads,
        batch: c.batch,
        name,
        stateDir: path.join(workDir, 'agents', name),
      }),
    ],
    { cwd: REPO_ROOT, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(logStream, { end: false });
  child.stderr.pipe(logStream, { end: false });
  let match: RegExpExecArray;
  try {
    match = await waitForLine(child, /agent (\S+) serving device (\S+)/, 180_000, `agent ${configLabel(c)}`);
  } catch (e) {
    await stopChild(child, 5000);
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5) : [];
    throw new Error(`${(e as Error).message}; agent log ${logFile}:\n  ${tail.join('\n  ')}`, { cause: e });
  }
  log(`agent ${configLabel(c)} serves device ${match[2]} (pid ${child.pid}, log ${logFile})`);
  return {
    config: c,
    agentId: match[1],
    deviceId: match[2],
    logFile,
    process: child,
    async stop() {
      // SIGTERM: the agent gives back what it holds and exits; the timeout only guards against a hang.
      await stopChild(child, 20_000);
      logStream.end();
    },
  };
}

/** The fields of a stored measurement (GET /devices/{id}/measurements) that the reports use. */
export interface Measurement {
  readonly arch: string;
  readonly latencyMs: number;
  readonly samples: number[];
  readonly stats: { median: number; cv: number; count: number };
  readonly remeasured: boolean;
  readonly noisy: boolean;
  readonly buildMs: number | null;
  readonly firstRunMs: number | null;
  readonly provenance: {
    runtime?: { name?: string; version?: string; threads?: number; batchSize?: number };
    fingerprint?: { cpuModel?: string; nodeVersion?: string };
    agentVersion?: string;
  };
  readonly finishedAt: string;
}

export interface BatchOutcome {
  readonly batchId: string;
  readonly measurements: Measurement[];
  readonly failures: Array<{ arch: string; reasons: string[] }>;
  readonly wallMs: number;
}

interface BatchView {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'partial';
  counts: { queued: number; leased: number; succeeded: number; failed: number };
  percent: number;
  failures: Array<{ arch: string; reasons: string[] }>;
}

/**
 * Queues `archs` (canonical fmnist-mbv3 strings) on the agent's device with the default protocol,
 * waits until every task is done and returns the stored measurements. Fails fast if the agent dies.
 */
export async function measureBatch(
  admin: Api,
  agent: RunningAgent,
  archs: readonly string[],
): Promise<BatchOutcome> {
  const started = Date.now();
  const label = configLabel(agent.config);
  const created = await admin.ok<BatchView>(
    'POST',
    `devices/${encodeURIComponent(agent.deviceId)}/measurements`,
    {
      searchSpace: 'fmnist-mbv3',
      archs,
    },
  );
  let view = created;
  let lastLog = Date.now();
  while (view.status === 'queued' || view.status === 'running') {
    if (agent.process.exitCode !== null || agent.process.signalCode !== null)
      throw new Error(
        `agent ${label} exited (${agent.process.signalCode ?? agent.process.exitCode}); see ${agent.logFile}`,
      );
    await sleep(1000);
    view = await admin.ok<BatchView>('GET', `measurement-batches/${created.id}`);
    if (Date.now() - lastLog >= 15_000) {
      lastLog = Date.now();
      const done = view.counts.succeeded + view.counts.failed;
      log(
        `${label}: ${done}/${archs.length} archs (${view.percent}%) after ${duration(Date.now() - started)}`,
      );
    }
  }
  const measurements: Measurement[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await admin.ok<{ items: Measurement[]; total: number }>(
      'GET',
      `devices/${encodeURIComponent(agent.deviceId)}/measurements?batch=${created.id}&limit=1000&offset=${offset}`,
    );
    measurements.push(...page.items);
    if (page.items.length === 0 || measurements.length >= page.total) break;
  }
  // The batch view lists at most 20 failures; that is plenty to explain them.
  return { batchId: created.id, measurements, failures: view.failures, wallMs: Date.now() - started };
}
