/**
 * The load test's verdict. Integrity is read from the database with plain SQL rather than through the
 * API, so a bug in the API's own reads cannot hide a lost or doubled measurement.
 */
import type { Pool } from 'pg';
import type { LoadResult } from './load';
import type { LoadStats } from './sim-agent';
import { duration, fmt, median, quantile, table } from './util';

export interface Integrity {
  readonly tasksCreated: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Still queued or leased after the drain: work the server never finished. */
  readonly unfinished: number;
  readonly measurementRows: number;
  /** Succeeded tasks without exactly one row, plus unfinished/failed tasks with a row. */
  readonly tasksWithWrongRows: number;
  readonly tasksWithManyRows: number;
  readonly acked: number;
  readonly duplicateAcks: number;
  /** 201s whose row is missing. */
  readonly ackedMissing: number;
  /** Rows stored under another agent than the one that got the 201. */
  readonly ackedWrongAgent: number;
  /** Rows no agent got a 201 for (e.g. the answer was lost on the wire); not an error by itself. */
  readonly rowsNotAcked: number;
  /** "lease expired" / "agent went offline" entries in the tasks' failure logs. */
  readonly expiryEvents: number;
  readonly retriedTasks: number;
  readonly retriedSucceeded: number;
  /** Tasks the killed agents abandoned, by final status. */
  readonly abandoned: Record<string, number>;
  readonly lost: number;
  readonly duplicated: number;
  readonly ok: boolean;
}

export async function checkIntegrity(pool: Pool, stats: LoadStats): Promise<Integrity> {
  const one = async (sql: string, params: unknown[] = []) =>
    (await pool.query<{ n: number }>(sql, params)).rows[0].n;
  const counts = (
    await pool.query<Record<string, number>>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status IN ('queued', 'leased'))::int AS unfinished,
              count(*) FILTER (WHERE attempts > 1)::int AS retried,
              count(*) FILTER (WHERE attempts > 1 AND status = 'succeeded')::int AS retried_ok
         FROM measurement_tasks`,
    )
  ).rows[0];
  const perTask = `SELECT t.id, t.status, coalesce(m.n, 0) AS n FROM measurement_tasks t
    LEFT JOIN (SELECT task_id, count(*)::int AS n FROM measurements GROUP BY task_id) m ON m.task_id = t.id`;
  const wrong = await one(
    `SELECT count(*)::int AS n FROM (${perTask}) x WHERE (status = 'succeeded') <> (n = 1) OR n > 1`,
  );
  const many = await one(`SELECT count(*)::int AS n FROM (${perTask}) x WHERE n > 1`);
  const rows = (
    await pool.query<{ task_id: string; agent_id: string | null }>(
      `SELECT task_id::text, agent_id::text FROM measurements`,
    )
  ).rows;
  const byTask = new Map(rows.map((r) => [r.task_id, r.agent_id]));
  let missing = 0;
  let wrongAgent = 0;
  for (const [task, agent] of stats.acked) {
    if (!byTask.has(task)) missing++;
    else if (byTask.get(task) !== agent) wrongAgent++;
  }
  const expiryEvents = await one(
    `SELECT count(*)::int AS n FROM measurement_tasks, jsonb_array_elements(failures) f
      WHERE f->>'reason' LIKE 'lease expired%' OR f->>'reason' LIKE 'agent went offline%'`,
  );
  const abandoned: Record<string, number> = {};
  const ab = await pool.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM measurement_tasks WHERE id = ANY($1::uuid[]) GROUP BY status`,
    [stats.abandoned],
  );
  for (const r of ab.rows) abandoned[r.status] = r.n;
  const lost = missing + counts.unfinished;
  const duplicated = many + stats.duplicateAcks;
  return {
    tasksCreated: counts.total,
    succeeded: counts.succeeded,
    failed: counts.failed,
    unfinished: counts.unfinished,
    measurementRows: rows.length,
    tasksWithWrongRows: wrong,
    tasksWithManyRows: many,
    acked: stats.acked.size,
    duplicateAcks: stats.duplicateAcks,
    ackedMissing: missing,
    ackedWrongAgent: wrongAgent,
    rowsNotAcked: rows.filter((r) => !stats.acked.has(r.task_id)).length,
    expiryEvents,
    retriedTasks: counts.retried,
    retriedSucceeded: counts.retried_ok,
    abandoned,
    lost,
    duplicated,
    ok: lost === 0 && duplicated === 0 && wrong === 0 && wrongAgent === 0,
  };
}

const latencyRow = (name: string, ms: readonly number[]): string[] => [
  name,
  String(ms.length),
  fmt(quantile(ms, 0.5)),
  fmt(quantile(ms, 0.95)),
  fmt(quantile(ms, 0.99)),
  fmt(ms.length ? Math.max(...ms) : NaN),
];

/** The report as data (--json): percentiles instead of the raw per-call latencies. */
export function loadJson(r: LoadResult): Record<string, unknown> {
  const { stats, queuedPerAgent, busyConnections, totalConnections, ...rest } = r;
  const summary = (ms: readonly number[]) => ({
    n: ms.length,
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    p99: quantile(ms, 0.99),
    max: ms.length ? Math.max(...ms) : null,
  });
  return {
    ...rest,
    acknowledged: stats.acked.size,
    acknowledgedDuringLoad: stats.ackTimes.filter((t) => t <= r.loadEndedAt).length,
    latencyMs: Object.fromEntries(Object.entries(stats.latency).map(([k, v]) => [k, summary(v)])),
    httpErrors: Object.fromEntries(stats.errors),
    queuedPerAgent: { min: Math.min(...queuedPerAgent), median: median(queuedPerAgent) },
    busyConnections: {
      mean: median(busyConnections),
      max: Math.max(...busyConnections),
      of: Math.max(...totalConnections),
    },
  };
}

export function formatLoad(r: LoadResult): string {
  const s = r.stats;
  const i = r.integrity;
  const loadSec = (r.loadEndedAt - r.loadStartedAt) / 1000;
  const inLoad = s.ackTimes.filter((t) => t <= r.loadEndedAt).length;
  const out: string[] = [];
  out.push(
    `## Load: ${r.agents} simulated agents on ${r.devices} devices, 1 API instance (PostgreSQL + Redis)`,
    '',
    'Synthetic load test of the server: the agents run no model, they sleep 20–200 ms and report fake samples.',
    `Lease TTL ${r.leaseTtlSec}s, heartbeat ${r.heartbeatSec}s, lease(max 1, waitSec 5). ${r.killed} agent(s) died once ` +
      'holding a task (no result, no heartbeat) and came back after 15s. The agents run in the benchmark process ' +
      'on the same machine as the server, so both compete for the same CPUs.',
    '',
    table(
      ['metric', 'value'],
      [
        ['load phase', `${duration(r.loadEndedAt - r.loadStartedAt)}`],
        ['results acknowledged (201) during load', String(inLoad)],
        ['throughput during load (tasks/s)', fmt(inLoad / loadSec)],
        [
          'drain after producer stopped',
          `${duration(r.drainMs)} (${r.drained ? 'queue empty' : 'NOT EMPTY at cap'})`,
        ],
        ['results acknowledged in total', String(s.acked.size)],
        ['batches posted by the producer', String(r.batches)],
        [
          'queued tasks per agent at producer checks (min / median / checks < 2)',
          `${fmt(Math.min(...r.queuedPerAgent))} / ${fmt(median(r.queuedPerAgent))} / ` +
            `${r.queuedPerAgent.filter((q) => q < 2).length} of ${r.queuedPerAgent.length}`,
        ],
        [
          'server DB connections busy (active or in a transaction), mean / max of total',
          `${fmt(r.busyConnections.reduce((a, b) => a + b, 0) / r.busyConnections.length)} / ` +
            `${Math.max(...r.busyConnections)} of ${Math.max(...r.totalConnections)}`,
        ],
        ['server CPU during load (cores)', fmt(r.serverCores, 2)],
        ['benchmark process CPU during load (cores)', fmt(r.benchCores, 2)],
      ],
    ),
    '',
    table(
      ['call', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      [
        latencyRow('lease → got a task', s.latency.leaseWork),
        latencyRow('lease → empty long-poll (waitSec 5)', s.latency.leaseEmpty),
        latencyRow('result', s.latency.result),
        latencyRow('heartbeat', s.latency.heartbeat),
        latencyRow('register', s.latency.register),
        latencyRow('batch POST (producer)', s.latency.batch),
      ],
    ),
    '',
    s.errors.size === 0
      ? 'HTTP errors: none (every call got 2xx).'
      : table(
          ['HTTP errors: route', 'status', 'count'],
          [...s.errors].map(([k, n]) => [...k.split(' '), String(n)]),
        ),
    '',
    table(
      ['integrity (read from the database)', 'value'],
      [
        ['tasks created', String(i.tasksCreated)],
        ['tasks succeeded / failed / unfinished', `${i.succeeded} / ${i.failed} / ${i.unfinished}`],
        ['measurement rows', String(i.measurementRows)],
        [
          'tasks with ≠ 1 measurement row (succeeded) or any row (not succeeded)',
          String(i.tasksWithWrongRows),
        ],
        ['results acknowledged (201) / their rows missing', `${i.acked} / ${i.ackedMissing}`],
        ['rows stored under another agent than the acknowledged one', String(i.ackedWrongAgent)],
        ['rows without a 201 seen by an agent', String(i.rowsNotAcked)],
        ['expired-lease / offline requeues (failure log entries)', String(i.expiryEvents)],
        ['tasks retried (attempts > 1) / of them succeeded', `${i.retriedTasks} / ${i.retriedSucceeded}`],
        [
          'tasks abandoned by killed agents, final status',
          Object.entries(i.abandoned)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || '–',
        ],
        ['LOST (acknowledged but missing + unfinished)', String(i.lost)],
        ['DUPLICATED (tasks with > 1 row + repeated 201s)', String(i.duplicated)],
      ],
    ),
    '',
    `Integrity: ${i.ok ? 'OK' : 'FAILED'}. Server log ${r.serverLog.file}: ${r.serverLog.errors} ERROR, ` +
      `${r.serverLog.warnings} WARN lines.`,
    ...r.serverLog.firstErrors.map((e) => `  first errors: ${e}`),
  );
  return out.join('\n');
}
