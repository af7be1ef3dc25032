/**
 * Part 1, load: one API instance on PostgreSQL + Redis, N simulated agents, a producer that keeps the
 * queue full, and agents that die holding a task. Afterwards the database is read directly to prove
 * that no acknowledged result was lost and no task was stored twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { Rng } from '@tailor/common';
import { Api, networkErrorCode } from './http';
import { checkIntegrity, type Integrity } from './load-report';
import { createDatabase, type RunningApi, startApi } from './server';
import { LoadStats, SimAgent } from './sim-agent';
import { errorText, log, sleep } from './util';

export interface LoadOptions {
  readonly agents: number;
  readonly durationSec: number;
}

export interface LoadResult {
  readonly agents: number;
  readonly devices: number;
  readonly durationSec: number;
  readonly leaseTtlSec: number;
  readonly heartbeatSec: number;
  readonly killed: number;
  readonly stats: LoadStats;
  readonly batches: number;
  /** Queued tasks per agent seen by the producer before each top-up (its low-water marks). */
  readonly queuedPerAgent: number[];
  /** The server's busy DB connections (active or idle in transaction) at each producer check. */
  readonly busyConnections: number[];
  readonly totalConnections: number[];
  readonly loadStartedAt: number;
  readonly loadEndedAt: number;
  readonly drainMs: number;
  readonly drained: boolean;
  /** Average CPU cores used during the load phase (from /proc; undefined off Linux). */
  readonly serverCores?: number;
  readonly benchCores: number;
  readonly integrity: Integrity;
  readonly serverLog: { file: string; errors: number; warnings: number; firstErrors: string[] };
}

const LEASE_TTL_SEC = 10;
const HEARTBEAT_SEC = 5;
const DRAIN_CAP_MS = 60_000;
const DEVICES = 10;
const REDIS_URL = 'redis://127.0.0.1:6379';

/** utime + stime of a process in seconds, from /proc (Linux; clock ticks are 100 Hz there). */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Counts WARN/ERROR lines of the server log and keeps the first distinct errors as evidence. */
function summarizeLog(file: string): LoadResult['serverLog'] {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  const errors = lines.filter((l) => /\bERROR\b/.test(l));
  return {
    file,
    errors: errors.length,
    warnings: lines.filter((l) => /\bWARN\b/.test(l)).length,
    firstErrors: [...new Set(errors.map((l) => l.replace(/^.*?ERROR\s*/, '').slice(0, 300)))].slice(0, 3),
  };
}

/**
 * How many of the server's connections are busy: "idle in transaction" means the server holds a
 * transaction open while its event loop gets to the next statement, which is pool time too.
 */
async function sampleConnections(pool: Pool, busy: number[], total: number[]): Promise<void> {
  const { rows } = await pool.query<{ busy: number; total: number }>(
    `SELECT count(*) FILTER (WHERE state <> 'idle')::int AS busy, count(*)::int AS total FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name NOT LIKE 'bench%'`,
  );
  busy.push(rows[0].busy);
  total.push(rows[0].total);
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-load-'));
  const db = await createDatabase();
  log(`load: database ${db.name}, work dir ${workDir}`);
  let server: RunningApi | undefined;
  // Named so the connection sampling can leave the benchmark's own connections out.
  const pool = new Pool({ connectionString: db.url, max: 2, application_name: 'bench-farm-monitor' });
  const agents: SimAgent[] = [];
  try {
    server = await startApi(workDir, {
      DATABASE_URL: db.url,
      REDIS_URL,
      TAILOR_QUEUE_PREFIX: `tailor-bench-${process.pid}`,
      TAILOR_FARM_LEASE_TTL_SEC: String(LEASE_TTL_SEC),
      TAILOR_FARM_HEARTBEAT_SEC: String(HEARTBEAT_SEC),
    });
    return await drive(server, pool, agents, o);
  } finally {
    for (const a of agents) a.stop();
    await pool.end().catch(() => undefined);
    await server?.stop();
    await db.drop().catch((e) => log(`could not drop ${db.name}: ${errorText(e)}`));
  }
}

async function drive(
  server: RunningApi,
  pool: Pool,
  agents: SimAgent[],
  o: LoadOptions,
): Promise<LoadResult> {
  const stats = new LoadStats();
  const { token } = await server.admin.ok<{ token: string }>('POST', 'farm/enrollment-tokens', {
    name: 'bench:farm load test',
    maxUses: o.agents,
    expiresInHours: 2,
  });
  // ~5 % die once, at a random moment in the first 60 % of the run, and come back after the lease TTL.
  const rng = Rng.fromSeed(7);
  const killed = new Set(rng.sampleIndices(o.agents, Math.max(1, Math.round(o.agents * 0.05))));
  const dieWindow = () => (0.15 + 0.45 * rng.next()) * o.durationSec * 1000;
  const dieOffsets = new Map([...killed].map((i) => [i, dieWindow()]));
  for (let i = 0; i < o.agents; i++)
    agents.push(
      new SimAgent({
        index: i,
        api: new Api(server.url),
        token,
        deviceCount: Math.min(DEVICES, o.agents),
        stats,
        restartAfterMs: (LEASE_TTL_SEC + 5) * 1000,
      }),
    );
  // Register 20 at a time: a real farm enrolls gradually, and this part does not measure enrollment storms.
  for (let i = 0; i < agents.length; i += 20)
    await Promise.all(agents.slice(i, i + 20).map((a) => a.register()));
  const perDevice = new Map<string, number>();
  for (const a of agents) perDevice.set(a.deviceId, (perDevice.get(a.deviceId) ?? 0) + 1);
  log(
    `load: ${agents.length} simulated agents registered on ${perDevice.size} devices; running ${o.durationSec}s`,
  );

  const started = Date.now();
  for (const [i, offset] of dieOffsets) agents[i].dieAfter(started + offset);
  const serverCpu0 = cpuSeconds(server.process.pid);
  const benchCpu0 = process.cpuUsage();
  const loops = agents.map((a) => a.run());
  let producing = true;
  const queuedPerAgent: number[] = [];
  const busyConnections: number[] = [];
  const totalConnections: number[] = [];
  let batches = 0;
  const producer = (async () => {
    let seed = 1;
    while (producing) {
      const { rows } = await pool.query<{ device_id: string; n: number }>(
        `SELECT device_id, count(*)::int AS n FROM measurement_tasks WHERE status = 'queued' GROUP BY device_id`,
      );
      const queued = new Map(rows.map((r) => [r.device_id, r.n]));
      // The first check sees the empty queue of the start, not the producer falling behind.
      if (seed > 1) queuedPerAgent.push([...queued.values()].reduce((s, n) => s + n, 0) / agents.length);
      await sampleConnections(pool, busyConnections, totalConnections);
      await Promise.all(
        [...perDevice].map(async ([device, n]) => {
          const q = queued.get(device) ?? 0;
          // Low-water mark 4 per agent, refilled to 8: keeps ≥ 2 per agent between 200 ms checks.
          if (q >= 4 * n || !producing) return;
          const body = {
            searchSpace: 'fmnist-mbv3',
            sample: { count: Math.min(1000, 8 * n - q), seed: seed++ },
          };
          try {
            const r = await server.admin.call('POST', `devices/${device}/measurements`, body);
            stats.latency.batch.push(r.ms);
            if (r.status === 202) batches++;
            else stats.error('batch', r.status);
          } catch (e) {
            stats.error('batch', networkErrorCode(e));
          }
        }),
      );
      await sleep(200);
    }
  })();
  let lastLog = Date.now();
  while (Date.now() - started < o.durationSec * 1000) {
    await sleep(1000);
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      log(
        `load: ${stats.acked.size} results acknowledged, ${batches} batches, ${stats.abandoned.length} agents killed`,
      );
    }
  }
  producing = false;
  await producer;
  const loadEndedAt = Date.now();
  const serverCpu1 = cpuSeconds(server.process.pid);
  const benchCpu = process.cpuUsage(benchCpu0);
  log('load: producer stopped; draining the queue');

  let drained = false;
  while (Date.now() - loadEndedAt < DRAIN_CAP_MS) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM measurement_tasks WHERE status IN ('queued', 'leased')`,
    );
    if (rows[0].n === 0) {
      drained = true;
      break;
    }
    await sleep(500);
  }
  const drainMs = Date.now() - loadEndedAt;
  log(`load: ${drained ? 'drained' : 'NOT drained'} after ${(drainMs / 1000).toFixed(1)}s; stopping agents`);
  for (const a of agents) a.stop();
  await Promise.race([Promise.all(loops), sleep(20_000)]);
  const integrity = await checkIntegrity(pool, stats);
  const seconds = (loadEndedAt - started) / 1000;
  return {
    agents: agents.length,
    devices: perDevice.size,
    durationSec: o.durationSec,
    leaseTtlSec: LEASE_TTL_SEC,
    heartbeatSec: HEARTBEAT_SEC,
    killed: stats.abandoned.length,
    stats,
    batches,
    queuedPerAgent,
    busyConnections,
    totalConnections,
    loadStartedAt: started,
    loadEndedAt,
    drainMs,
    drained,
    serverCores:
      serverCpu0 !== undefined && serverCpu1 !== undefined ? (serverCpu1 - serverCpu0) / seconds : undefined,
    benchCores: (benchCpu.user + benchCpu.system) / 1e6 / seconds,
    integrity,
    serverLog: summarizeLog(server.logFile),
  };
}
