import { Inject, Injectable, Logger } from '@nestjs/common';
import { invalid, notFound, TailorError } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import {
  CalibrationsRepository,
  type CalibrationSource,
  type DeviceCalibrationEntity,
  DevicesRepository,
  FarmAgentsRepository,
} from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import type { Principal } from '../api-keys/principal';
import { offlineAfterSec } from '../farm/liveness';
import { CalibrationRunner } from './calibration-runner';
import { calibrationView } from '../predictors/predictor-views';
import { PredictorsService } from '../predictors/predictors.service';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { TAILOR_CONFIG } from '../tokens';

export const CALIBRATION_JOB = 'calibrations';

/** Allowed [min, max] and default of the per-request counts; the request DTO uses the same numbers. */
export const CALIBRATION_RANGES = {
  samples: { min: 0, max: 100, default: 10 },
  validationArchs: { min: 0, max: 100, default: 5 },
} as const;

export interface CalibrateRequest {
  readonly searchSpace: string;
  readonly samples?: number;
  readonly validationArchs?: number;
}

/**
 * Adapts the newest predictor of a space to one device: a queued job (CalibrationRunner) measures the
 * reference archs and a few archs the predictor is least sure about, on the farm or from the device's
 * recorded table, and stores the resulting calibration with its quality on held-out archs.
 */
@Injectable()
export class CalibrationsService {
  private readonly log = new Logger('Calibrations');

  constructor(
    private readonly calibrations: CalibrationsRepository,
    private readonly devices: DevicesRepository,
    private readonly predictors: PredictorsService,
    private readonly spaces: SearchSpacesService,
    private readonly agents: FarmAgentsRepository,
    private readonly runner: CalibrationRunner,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  /** Everything is checked before the first write, so a refused request stores nothing. */
  async calibrate(deviceId: string, req: CalibrateRequest, who: Principal | null) {
    const { row, predictor, source } = await this.createRow(deviceId, req, who);
    try {
      await this.queue.add(CALIBRATION_JOB, { calibrationId: row.id }, { jobId: row.id, attempts: 1 });
    } catch (err) {
      await this.calibrations.remove(row.id);
      throw err;
    }
    this.log.log(
      `calibration ${row.id} queued (${deviceId}, ${row.searchSpace} v${predictor.version}, ${source}, ${row.samples} shots)`,
    );
    const online =
      source === 'farm'
        ? ((await this.agents.agentCounts(offlineAfterSec(this.config.farm))).get(deviceId)?.online ?? 0)
        : 1;
    return {
      ...calibrationView(row, predictor.version),
      warnings:
        online === 0 ? [`no agent of device "${deviceId}" is online; the calibration waits for one`] : [],
    };
  }

  /**
   * Queues a calibration of the device against the space's newest predictor unless it already has
   * one (succeeded, or queued/running) for that predictor. `serve --agents` calls this for the local
   * devices at start, so predictions and predicted searches on them work out of the box.
   */
  async ensureCalibrated(
    deviceId: string,
    req: CalibrateRequest,
  ): Promise<
    | { state: 'no-predictor' }
    | { state: 'calibrated' | 'pending' | 'queued'; calibrationId: string; predictorVersion: number }
  > {
    const predictor = await this.predictors.latest(req.searchSpace);
    if (!predictor) return { state: 'no-predictor' };
    const existing = (await this.calibrations.listForDevice(deviceId, req.searchSpace)).filter(
      (c) => c.predictorId === predictor.id,
    );
    const done = existing.find((c) => c.status === 'succeeded');
    if (done) return { state: 'calibrated', calibrationId: done.id, predictorVersion: predictor.version };
    const pending = existing.find((c) => c.status === 'queued' || c.status === 'running');
    if (pending) return { state: 'pending', calibrationId: pending.id, predictorVersion: predictor.version };
    const queued = await this.calibrate(deviceId, req, null);
    return { state: 'queued', calibrationId: queued.id, predictorVersion: queued.predictor.version ?? 0 };
  }

  /**
   * Calibrates inside the caller's job (a search that needs the device's calibration) instead of
   * queueing: with in-process jobs, a search waiting on a queued calibration could wait for its own slot.
   */
  async calibrateNow(deviceId: string, req: CalibrateRequest): Promise<DeviceCalibrationEntity> {
    const { row } = await this.createRow(deviceId, req, null);
    await this.runner.run(row.id);
    return (await this.calibrations.get(row.id))!;
  }

  private async createRow(deviceId: string, req: CalibrateRequest, who: Principal | null) {
    const device = await this.devices.get(deviceId);
    if (!device) throw notFound('id', `unknown device "${deviceId}"`);
    const space = this.spaces.get(req.searchSpace, 'searchSpace');
    const samples = count(req, 'samples');
    const validationCount = count(req, 'validationArchs');
    let source: CalibrationSource;
    if (device.device.kind === 'farm') source = 'farm';
    else if (device.searchSpaces.includes(space.id)) source = 'table';
    else
      throw new TailorError(
        'UNPROCESSABLE',
        `device "${deviceId}" is a recorded device without a latency table for ${space.id}, so nothing can be measured on it`,
        'searchSpace',
      );
    const predictor = await this.predictors.latest(space.id);
    if (!predictor)
      throw new TailorError(
        'CONFLICT',
        `no trained latency predictor for ${space.id} yet; POST /api/v1/predictors {"searchSpace":"${space.id}"} first and wait until it has succeeded`,
        'searchSpace',
      );
    const row = await this.calibrations.create({
      deviceId,
      searchSpace: space.id,
      predictorId: predictor.id,
      source,
      samples,
      validationCount,
      progress: { phase: 'queued', pending: 0, total: 0, batchIds: [] },
      createdBy: who?.keyId ?? null,
    });
    return { row, predictor, source };
  }

  async get(id: string) {
    const row = await this.calibrations.get(id);
    if (!row) throw notFound('id', `no calibration ${id}`);
    return (await this.views([row]))[0];
  }

  /** The device's calibrations, newest first. */
  async listForDevice(deviceId: string, searchSpace?: string) {
    if (!(await this.devices.get(deviceId))) throw notFound('id', `unknown device "${deviceId}"`);
    if (searchSpace !== undefined) this.spaces.get(searchSpace, 'searchSpace');
    return this.views(await this.calibrations.listForDevice(deviceId, searchSpace));
  }

  private async views(rows: DeviceCalibrationEntity[]) {
    const versions = new Map<string, number | null>();
    for (const id of new Set(rows.map((r) => r.predictorId)))
      versions.set(id, (await this.predictors.summary(id).catch(() => null))?.version ?? null);
    return rows.map((r) => calibrationView(r, versions.get(r.predictorId) ?? null));
  }
}

function count(req: CalibrateRequest, key: keyof typeof CALIBRATION_RANGES): number {
  const { min, max, default: fallback } = CALIBRATION_RANGES[key];
  const v = req[key] ?? fallback;
  if (!(Number.isInteger(v) && v >= min && v <= max))
    throw invalid(key, `must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}
