import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MeasurementBatchEntity, MeasurementEntity, type MeasurementTaskStatus } from '../entities';
import { mapDbErrors } from './db-errors';

export interface BatchCounts {
  queued: number;
  leased: number;
  succeeded: number;
  failed: number;
}

export interface BatchTaskView {
  id: string;
  position: number;
  arch: string;
  status: MeasurementTaskStatus;
  attempts: number;
  failures: Array<{ at: string; agentId: string | null; reason: string }>;
  finishedAt: Date | null;
  measurementId: string | null;
  latencyMs: number | null;
}

export interface MeasurementFilter {
  readonly searchSpace?: string;
  readonly batchId?: string;
  readonly limit: number;
  readonly offset: number;
}

/** Reads of the farm's results: batch progress, measurements, latencies by arch. */
@Injectable()
export class MeasurementsRepository {
  constructor(private readonly dataSource: DataSource) {}

  getBatch(id: string): Promise<MeasurementBatchEntity | null> {
    return mapDbErrors('batch', () =>
      this.dataSource.getRepository(MeasurementBatchEntity).findOneBy({ id }),
    );
  }

  async batchCounts(batchId: string): Promise<BatchCounts & { lastFinishedAt: Date | null }> {
    const rows: Array<{ status: MeasurementTaskStatus; n: string; last: string | null }> =
      await this.dataSource.query(
        `SELECT status, count(*) AS n, max(finished_at) AS last FROM measurement_tasks WHERE batch_id = $1 GROUP BY status`,
        [batchId],
      );
    const counts = { queued: 0, leased: 0, succeeded: 0, failed: 0, lastFinishedAt: null as Date | null };
    for (const r of rows) {
      counts[r.status] = Number(r.n);
      if (r.last && (!counts.lastFinishedAt || new Date(r.last) > counts.lastFinishedAt))
        counts.lastFinishedAt = new Date(r.last);
    }
    return counts;
  }

  async batchTasks(
    batchId: string,
    page: { limit: number; offset: number; status?: MeasurementTaskStatus },
  ): Promise<BatchTaskView[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT t.id, t.position, t.arch, t.status, t.attempts, t.failures, t.finished_at, m.id AS measurement_id, m.latency_ms
         FROM measurement_tasks t LEFT JOIN measurements m ON m.task_id = t.id
        WHERE t.batch_id = $1 AND ($4::text IS NULL OR t.status = $4)
        ORDER BY t.position LIMIT $2 OFFSET $3`,
      [batchId, page.limit, page.offset, page.status ?? null],
    );
    return rows.map((r) => ({
      id: r.id as string,
      position: Number(r.position),
      arch: r.arch as string,
      status: r.status as MeasurementTaskStatus,
      attempts: Number(r.attempts),
      failures: r.failures as BatchTaskView['failures'],
      finishedAt: r.finished_at ? new Date(r.finished_at as string) : null,
      measurementId: (r.measurement_id as string | null) ?? null,
      latencyMs: r.latency_ms === null || r.latency_ms === undefined ? null : Number(r.latency_ms),
    }));
  }

  async list(deviceId: string, f: MeasurementFilter): Promise<{ items: MeasurementEntity[]; total: number }> {
    const q = this.dataSource
      .getRepository(MeasurementEntity)
      .createQueryBuilder('m')
      .where('m.device_id = :deviceId', { deviceId });
    if (f.searchSpace) q.andWhere('m.search_space = :space', { space: f.searchSpace });
    if (f.batchId)
      q.andWhere('m.task_id IN (SELECT id FROM measurement_tasks WHERE batch_id = :batchId)', {
        batchId: f.batchId,
      });
    const [items, total] = await mapDbErrors('measurements', () =>
      q.orderBy('m.created_at', 'ASC').addOrderBy('m.id').take(f.limit).skip(f.offset).getManyAndCount(),
    );
    return { items, total };
  }

  /** The most recent measured latency of each arch that has one. */
  async latestLatencies(
    deviceId: string,
    searchSpace: string,
    archs: readonly string[],
  ): Promise<Map<string, number>> {
    if (archs.length === 0) return new Map();
    const rows: Array<{ arch: string; latency_ms: number }> = await this.dataSource.query(
      `SELECT DISTINCT ON (arch) arch, latency_ms FROM measurements
        WHERE device_id = $1 AND search_space = $2 AND arch = ANY($3::text[])
        ORDER BY arch, created_at DESC`,
      [deviceId, searchSpace, archs],
    );
    return new Map(rows.map((r) => [r.arch, Number(r.latency_ms)]));
  }

  /** Measurement counts per farm device and search space. */
  async countsByDevice(): Promise<Map<string, Record<string, number>>> {
    const rows: Array<{ device_id: string; search_space: string; n: string }> = await this.dataSource.query(
      `SELECT device_id, search_space, count(*) AS n FROM measurements GROUP BY device_id, search_space`,
    );
    const map = new Map<string, Record<string, number>>();
    for (const r of rows)
      map.set(r.device_id, { ...(map.get(r.device_id) ?? {}), [r.search_space]: Number(r.n) });
    return map;
  }

  /** Number of tasks a search asked the farm for (its device measurements). */
  async countTasksOfSearch(searchId: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM measurement_tasks t JOIN measurement_batches b ON b.id = t.batch_id WHERE b.search_id = $1`,
      [searchId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
