import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TailorError } from '@tailor/common';
import { DataSource, type EntityManager } from 'typeorm';
import { MeasurementBatchEntity, type MeasurementTaskEntity, type MeasurementTaskStatus } from '../entities';
import { mapDbErrors } from './db-errors';
import { updateReturning } from './returning';
import { row } from './query-values';

export interface NewBatch {
  readonly deviceId: string;
  readonly searchSpace: string;
  readonly params: Record<string, unknown>;
  readonly archs: readonly string[];
  readonly maxAttempts: number;
  readonly createdBy: string | null;
  readonly searchId: string | null;
}

export interface NewMeasurement {
  readonly latencyMs: number;
  readonly samples: readonly number[];
  readonly stats: Record<string, number>;
  readonly attempts: readonly unknown[];
  readonly buildMs: number | null;
  readonly firstRunMs: number | null;
  readonly remeasured: boolean;
  readonly noisy: boolean;
  readonly replayed: boolean;
  readonly provenance: Record<string, unknown>;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

export interface TaskRow {
  id: string;
  batchId: string;
  position: number;
  deviceId: string;
  searchSpace: string;
  arch: string;
  params: Record<string, unknown>;
  status: MeasurementTaskStatus;
  attempts: number;
  maxAttempts: number;
  agentId: string | null;
  leaseExpiresAt: Date | null;
  failures: MeasurementTaskEntity['failures'];
  createdAt: Date;
  finishedAt: Date | null;
}

type RawTask = Record<string, unknown>;
const toTask = (r: RawTask): TaskRow => ({
  id: r.id as string,
  batchId: r.batch_id as string,
  position: Number(r.position),
  deviceId: r.device_id as string,
  searchSpace: r.search_space as string,
  arch: r.arch as string,
  params: r.params as Record<string, unknown>,
  status: r.status as MeasurementTaskStatus,
  attempts: Number(r.attempts),
  maxAttempts: Number(r.max_attempts),
  agentId: (r.agent_id as string | null) ?? null,
  leaseExpiresAt: r.lease_expires_at ? new Date(r.lease_expires_at as string) : null,
  failures: (r.failures as TaskRow['failures']) ?? [],
  createdAt: new Date(r.created_at as string),
  finishedAt: r.finished_at ? new Date(r.finished_at as string) : null,
});

const notHeld = (taskId: string, why: string) =>
  new TailorError('CONFLICT', `task ${taskId} ${why}; nothing was stored`, 'taskId');

/**
 * The measurement queue: batches of tasks that agents lease, complete or fail. Every transition is a
 * single conditional UPDATE (or a row lock), so concurrent agents and API instances cannot both win.
 * Times come from the database clock, not from the API process.
 */
@Injectable()
export class MeasurementQueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  createBatch(b: NewBatch): Promise<MeasurementBatchEntity> {
    return mapDbErrors('measurement batch', () =>
      this.dataSource.transaction(async (tx) => {
        const id = randomUUID();
        await tx.getRepository(MeasurementBatchEntity).insert(
          row<MeasurementBatchEntity>({
            id,
            deviceId: b.deviceId,
            searchSpace: b.searchSpace,
            params: b.params,
            size: b.archs.length,
            createdBy: b.createdBy,
            searchId: b.searchId,
          }),
        );
        const params = JSON.stringify(b.params);
        for (let start = 0; start < b.archs.length; start += 500) {
          const chunk = b.archs.slice(start, start + 500);
          const values: unknown[] = [];
          const tuples = chunk.map((arch, i) => {
            values.push(randomUUID(), start + i, arch);
            const o = values.length + 5; // after the 5 shared parameters
            return `($${o - 2}::uuid, $1::uuid, $${o - 1}::int, $2, $3, $${o}, $4::jsonb, 'queued', $5::int)`;
          });
          await tx.query(
            `INSERT INTO measurement_tasks (id, batch_id, position, device_id, search_space, arch, params, status, max_attempts)
             VALUES ${tuples.join(', ')}`,
            [id, b.deviceId, b.searchSpace, params, b.maxAttempts, ...values],
          );
        }
        return tx.getRepository(MeasurementBatchEntity).findOneByOrFail({ id });
      }),
    );
  }

  /** Leases up to `max` queued tasks of the device to the agent, oldest first. */
  async lease(agentId: string, deviceId: string, max: number, ttlSec: number): Promise<TaskRow[]> {
    const rows: RawTask[] = await updateReturning(
      this.dataSource,
      `UPDATE measurement_tasks
          SET status = 'leased', agent_id = $1, attempts = attempts + 1,
              lease_expires_at = now() + make_interval(secs => $4)
        WHERE id IN (SELECT id FROM measurement_tasks WHERE device_id = $2 AND status = 'queued'
                      ORDER BY created_at, position LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [agentId, deviceId, max, ttlSec],
    );
    return rows.map(toTask).sort((a, b) => +a.createdAt - +b.createdAt || a.position - b.position);
  }

  /** Extends the leases the agent still holds; returns their ids and the new expiry. */
  async extend(agentId: string, taskIds: readonly string[], ttlSec: number): Promise<TaskRow[]> {
    if (taskIds.length === 0) return [];
    const rows: RawTask[] = await updateReturning(
      this.dataSource,
      `UPDATE measurement_tasks SET lease_expires_at = now() + make_interval(secs => $3)
        WHERE id = ANY($2::uuid[]) AND agent_id = $1 AND status = 'leased' RETURNING *`,
      [agentId, taskIds, ttlSec],
    );
    return rows.map(toTask);
  }

  /** Stores the measurement and finishes the task, or throws CONFLICT when the agent does not hold it. */
  complete(
    agentId: string,
    taskId: string,
    m: NewMeasurement,
  ): Promise<{ task: TaskRow; measurementId: string }> {
    return mapDbErrors('measurement', () =>
      this.dataSource.transaction(async (tx) => {
        const task = await this.lockHeld(tx, agentId, taskId);
        const measurementId = randomUUID();
        await tx.query(
          `INSERT INTO measurements (id, task_id, device_id, search_space, arch, agent_id, latency_ms, samples, stats,
             attempts, build_ms, first_run_ms, remeasured, noisy, replayed, params, provenance, started_at, finished_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
          [
            measurementId,
            taskId,
            task.deviceId,
            task.searchSpace,
            task.arch,
            agentId,
            m.latencyMs,
            JSON.stringify(m.samples),
            JSON.stringify(m.stats),
            JSON.stringify(m.attempts),
            m.buildMs,
            m.firstRunMs,
            m.remeasured,
            m.noisy,
            m.replayed,
            JSON.stringify(task.params),
            JSON.stringify(m.provenance),
            m.startedAt,
            m.finishedAt,
          ],
        );
        await tx.query(
          `UPDATE measurement_tasks SET status = 'succeeded', finished_at = now(), lease_expires_at = NULL WHERE id = $1`,
          [taskId],
        );
        return { task: { ...task, status: 'succeeded' as const }, measurementId };
      }),
    );
  }

  /**
   * Records a failed attempt. `released` gives the task back without counting the attempt (agent
   * shutdown); a non-retryable failure, or the last allowed attempt, fails the task for good.
   */
  fail(
    agentId: string,
    taskId: string,
    f: { reason: string; retryable: boolean; released: boolean },
  ): Promise<TaskRow> {
    return mapDbErrors('measurement task', () =>
      this.dataSource.transaction(async (tx) => {
        await this.lockHeld(tx, agentId, taskId);
        const rows: RawTask[] = await updateReturning(
          tx,
          f.released
            ? `UPDATE measurement_tasks SET status = 'queued', attempts = greatest(attempts - 1, 0),
                 agent_id = NULL, lease_expires_at = NULL WHERE id = $1 RETURNING *`
            : `UPDATE measurement_tasks
                  SET status = CASE WHEN $2 AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
                      finished_at = CASE WHEN $2 AND attempts < max_attempts THEN NULL ELSE now() END,
                      agent_id = NULL, lease_expires_at = NULL,
                      failures = failures || jsonb_build_array(jsonb_build_object('at', now(), 'agentId', $3::text, 'reason', $4::text))
                WHERE id = $1 RETURNING *`,
          f.released ? [taskId] : [taskId, f.retryable, agentId, f.reason],
        );
        return toTask(rows[0]);
      }),
    );
  }

  /**
   * Gives back tasks whose lease ran out or whose agent went silent (no heartbeat for `offlineAfterSec`),
   * failing those that used up their attempts. Returns how many were touched.
   */
  async expireLeases(offlineAfterSec: number): Promise<{ requeued: number; failed: number }> {
    const rows: Array<{ status: string }> = await updateReturning(
      this.dataSource,
      `UPDATE measurement_tasks
          SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
              finished_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END,
              failures = failures || jsonb_build_array(jsonb_build_object('at', now(), 'agentId', agent_id::text,
                'reason', CASE WHEN lease_expires_at < now() THEN 'lease expired: the agent did not report in time'
                               ELSE 'agent went offline (missed heartbeats)' END)),
              agent_id = NULL, lease_expires_at = NULL
        WHERE status = 'leased'
          AND (lease_expires_at < now()
               OR agent_id IN (SELECT id FROM agents
                                WHERE last_heartbeat_at < now() - make_interval(secs => $1) OR revoked_at IS NOT NULL))
        RETURNING status`,
      [offlineAfterSec],
    );
    const failed = rows.filter((r) => r.status === 'failed').length;
    return { requeued: rows.length - failed, failed };
  }

  /** Devices among `deviceIds` that have queued work (wakes long-polling agents). */
  async devicesWithQueuedTasks(deviceIds: readonly string[]): Promise<Set<string>> {
    if (deviceIds.length === 0) return new Set();
    const rows: Array<{ device_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT device_id FROM measurement_tasks WHERE status = 'queued' AND device_id = ANY($1::text[])`,
      [deviceIds],
    );
    return new Set(rows.map((r) => r.device_id));
  }

  private async lockHeld(tx: EntityManager, agentId: string, taskId: string): Promise<TaskRow> {
    const rows: RawTask[] = await tx.query(`SELECT * FROM measurement_tasks WHERE id = $1 FOR UPDATE`, [
      taskId,
    ]);
    if (rows.length === 0) throw new TailorError('NOT_FOUND', `unknown task ${taskId}`, 'taskId');
    const task = toTask(rows[0]);
    if (task.status === 'succeeded') throw notHeld(taskId, 'already has a result');
    if (task.status === 'failed') throw notHeld(taskId, 'has already failed for good');
    if (task.status !== 'leased' || task.agentId !== agentId)
      throw notHeld(taskId, 'is not leased by this agent');
    return task;
  }
}
