import { Inject, Injectable } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import { DEFAULT_TASK_PARAMS } from '@tailor/farm';
import { MeasurementQueueRepository, MeasurementsRepository } from '@tailor/persistence';
import { TAILOR_CONFIG } from '../tokens';
import { LeaseWaiters } from './lease-waiters';

export interface FarmMeasureContext {
  readonly searchId: string | null;
  /** Polled while waiting; true stops waiting (the search was cancelled). */
  readonly stopped?: () => Promise<boolean>;
  /** Called while waiting, e.g. to show progress. */
  readonly onProgress?: (pending: number, total: number) => Promise<void> | void;
  /** Called with the measurement batch created for the archs not measured yet (none when all were). */
  readonly onBatch?: (batchId: string) => Promise<void> | void;
}

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Latencies of archs on a farm device for a search: measured values are reused; the rest are queued as
 * one batch (owned by the search) and awaited. Archs whose task failed for good come back as null, which
 * the search treats as infeasible.
 */
@Injectable()
export class FarmLatencyService {
  constructor(
    private readonly queue: MeasurementQueueRepository,
    private readonly measurements: MeasurementsRepository,
    private readonly waiters: LeaseWaiters,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  async latencies(
    deviceId: string,
    searchSpace: string,
    archKeys: readonly string[],
    ctx: FarmMeasureContext,
  ): Promise<Map<string, number | null>> {
    const unique = [...new Set(archKeys)];
    const known = await this.measurements.latestLatencies(deviceId, searchSpace, unique);
    const missing = unique.filter((k) => !known.has(k));
    if (missing.length > 0) {
      const batch = await this.queue.createBatch({
        deviceId,
        searchSpace,
        params: { ...DEFAULT_TASK_PARAMS },
        archs: missing,
        maxAttempts: this.config.farm.maxAttempts,
        createdBy: null,
        searchId: ctx.searchId,
      });
      this.waiters.notify(deviceId);
      await ctx.onBatch?.(batch.id);
      for (;;) {
        const c = await this.measurements.batchCounts(batch.id);
        const pending = c.queued + c.leased;
        if (pending === 0) break;
        await ctx.onProgress?.(pending, missing.length);
        if (ctx.stopped && (await ctx.stopped())) break;
        await sleep(POLL_MS);
      }
      for (const [k, v] of await this.measurements.latestLatencies(deviceId, searchSpace, missing))
        known.set(k, v);
    }
    return new Map(unique.map((k) => [k, known.get(k) ?? null]));
  }

  countForSearch(searchId: string): Promise<number> {
    return this.measurements.countTasksOfSearch(searchId);
  }
}
