import { Inject, Injectable } from '@nestjs/common';
import { invalid, notFound, TailorError } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import { DEFAULT_TASK_PARAMS, type TaskParams } from '@tailor/farm';
import {
  DevicesRepository,
  FarmAgentsRepository,
  type MeasurementBatchEntity,
  MeasurementQueueRepository,
  MeasurementsRepository,
  type MeasurementTaskStatus,
} from '@tailor/persistence';
import type { Principal } from '../api-keys/principal';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { TAILOR_CONFIG } from '../tokens';
import { LeaseWaiters } from './lease-waiters';
import { offlineAfterSec } from './liveness';

export interface CreateMeasurementBatch {
  readonly searchSpace: string;
  readonly archs?: readonly unknown[];
  readonly sample?: { readonly count: number; readonly seed?: number };
  readonly params?: Partial<Pick<TaskParams, 'warmupRuns' | 'repeats' | 'minRepeatMs' | 'maxCv'>>;
}

/**
 * Allowed [min, max] of per-batch protocol params. The minimums are the protocol's floors (README): fewer
 * warm-ups or shorter repeats would not be the same measurement. The request DTO uses the same numbers.
 */
export const MEASURE_PARAM_RANGES = {
  warmupRuns: [10, 1000],
  repeats: [5, 100],
  minRepeatMs: [100, 10_000],
} as const;

function checkParams(p: CreateMeasurementBatch['params'] = {}): TaskParams {
  for (const [key, [min, max]] of Object.entries(MEASURE_PARAM_RANGES)) {
    const v = p[key as keyof typeof MEASURE_PARAM_RANGES];
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max))
      throw invalid(
        `params.${key}`,
        `must be an integer in [${min}, ${max}] (the measurement protocol), got ${v}`,
      );
  }
  if (p.maxCv !== undefined && !(p.maxCv > 0 && p.maxCv <= 1))
    throw invalid('params.maxCv', `must be in (0, 1], got ${p.maxCv}`);
  return { ...DEFAULT_TASK_PARAMS, ...p };
}

/** Users ask farm devices to measure archs; a batch reports its progress and failures. */
@Injectable()
export class MeasurementBatchesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly agents: FarmAgentsRepository,
    private readonly queue: MeasurementQueueRepository,
    private readonly measurements: MeasurementsRepository,
    private readonly spaces: SearchSpacesService,
    private readonly waiters: LeaseWaiters,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  /** A farm device, or a 404/422 that says why the id cannot be measured. */
  async farmDevice(deviceId: string, field = 'id') {
    const d = await this.devices.get(deviceId);
    if (!d) throw notFound(field, `unknown device "${deviceId}"`);
    if (d.device.kind !== 'farm')
      throw new TailorError(
        'UNPROCESSABLE',
        `device "${deviceId}" is a recorded latency table, not a farm device; only devices served by agents can measure`,
        field,
      );
    return d.device;
  }

  async create(deviceId: string, req: CreateMeasurementBatch, who: Principal) {
    await this.farmDevice(deviceId);
    const space = this.spaces.get(req.searchSpace, 'searchSpace');
    if ((req.archs === undefined) === (req.sample === undefined))
      throw invalid('archs', 'give either "archs" (a list) or "sample" ({count, seed}), not both or neither');
    const archs = (
      req.archs
        ? this.spaces.parseArchs(space, req.archs)
        : this.spaces.sampleArchs(space, req.sample!.count, req.sample!.seed ?? 0, 'sample.count')
    ).map((a) => space.canonical(a));
    const params = checkParams(req.params);
    const batch = await this.queue.createBatch({
      deviceId,
      searchSpace: space.id,
      params: { ...params },
      archs,
      maxAttempts: this.config.farm.maxAttempts,
      createdBy: who.keyId,
      searchId: null,
    });
    this.waiters.notify(deviceId);
    const online =
      (await this.agents.agentCounts(offlineAfterSec(this.config.farm))).get(deviceId)?.online ?? 0;
    return {
      ...(await this.view(batch)),
      warnings:
        online === 0 ? [`no agent of device "${deviceId}" is online; the tasks wait in the queue`] : [],
    };
  }

  async get(id: string) {
    const batch = await this.measurements.getBatch(id);
    if (!batch) throw notFound('id', `unknown measurement batch ${id}`);
    return this.view(batch);
  }

  async tasks(id: string, page: { limit: number; offset: number; status?: MeasurementTaskStatus }) {
    const batch = await this.get(id);
    const total = page.status ? batch.counts[page.status] : batch.size;
    return { items: await this.measurements.batchTasks(id, page), total };
  }

  async listMeasurements(
    deviceId: string,
    f: { searchSpace?: string; batchId?: string; limit: number; offset: number },
  ) {
    const d = await this.devices.get(deviceId);
    if (!d) throw notFound('id', `unknown device "${deviceId}"`);
    if (f.searchSpace) this.spaces.get(f.searchSpace, 'searchSpace');
    return this.measurements.list(deviceId, f);
  }

  private async view(b: MeasurementBatchEntity) {
    const { lastFinishedAt, ...counts } = await this.measurements.batchCounts(b.id);
    const done = counts.succeeded + counts.failed;
    const status =
      done < b.size
        ? counts.leased + done === 0
          ? 'queued'
          : 'running'
        : counts.failed === 0
          ? 'succeeded'
          : counts.succeeded === 0
            ? 'failed'
            : 'partial';
    const failedTasks =
      counts.failed > 0
        ? await this.measurements.batchTasks(b.id, { limit: 20, offset: 0, status: 'failed' })
        : [];
    return {
      id: b.id,
      deviceId: b.deviceId,
      searchSpace: b.searchSpace,
      size: b.size,
      params: b.params,
      searchId: b.searchId,
      status,
      counts,
      percent: Math.round((1000 * done) / Math.max(1, b.size)) / 10,
      failures: failedTasks.map((t) => ({
        position: t.position,
        arch: t.arch,
        reasons: t.failures.map((f) => f.reason),
      })),
      createdAt: b.createdAt,
      finishedAt: done === b.size ? lastFinishedAt : null,
    };
  }
}
