import { Injectable } from '@nestjs/common';
import { TailorError } from '@tailor/common';
import { MeasurementsRepository } from '@tailor/persistence';
import { CalibrationsService } from '../calibrations/calibrations.service';
import { PredictService } from '../predictors/predict.service';
import type { CalibratedDevice, CalibrationProvider } from './predicted-latency';

/** Every stored measurement of the device joins the shots: each verification sharpens later searches. */
const MAX_EXTRA_SHOTS = 1000;

/**
 * A search's view of a device calibration: the newest succeeded one, or a new one made on the spot
 * (measuring on the farm) when the device has none. Shots are the calibration's plus every other latency
 * already measured on the device for the space.
 */
@Injectable()
export class SearchCalibrations implements CalibrationProvider {
  constructor(
    private readonly predict: PredictService,
    private readonly calibrations: CalibrationsService,
    private readonly measurements: MeasurementsRepository,
  ) {}

  async calibrated(deviceId: string, searchSpace: string): Promise<CalibratedDevice> {
    let taken = 0;
    let cp = await this.predict.calibratedPredictor(deviceId, searchSpace);
    if (!cp) {
      const row = await this.calibrations.calibrateNow(deviceId, { searchSpace });
      if (row.status !== 'succeeded')
        throw new TailorError(
          'UNAVAILABLE',
          `calibrating device "${deviceId}" for ${searchSpace} failed: ${row.error ?? row.status}`,
          'constraints',
        );
      // What the farm was asked to measure: archs the device had already measured were reused, not
      // measured again (row.measurements counts every arch the calibration knows, reused or not).
      taken = await this.tasksOf(row.progress);
      cp = await this.predict.calibratedPredictor(deviceId, searchSpace);
      if (!cp) throw new TailorError('INTERNAL', `calibration ${row.id} succeeded but cannot be loaded`);
    }
    const shots = new Map(cp.shots);
    const refs = new Set(cp.referenceArchs);
    const stored = await this.measurements.list(deviceId, { searchSpace, limit: MAX_EXTRA_SHOTS, offset: 0 });
    for (const m of stored.items) if (!refs.has(m.arch) && !shots.has(m.arch)) shots.set(m.arch, m.latencyMs);
    const { calibrationId, predictorId } = cp;
    return {
      calibrationId,
      // Re-fetched on use: the predictor cache may dispose an evicted predictor after an await.
      predictor: async () => await this.predict.predictorOf(predictorId),
      referenceArchs: [...cp.referenceArchs],
      referenceMs: [...cp.referenceMs],
      shots,
      measurementsTaken: taken,
    };
  }

  /** Tasks of the measurement batches a calibration created (its progress lists their ids). */
  private async tasksOf(progress: unknown): Promise<number> {
    const ids = (progress as { batchIds?: unknown } | null)?.batchIds;
    let n = 0;
    for (const id of Array.isArray(ids) ? ids : [])
      if (typeof id === 'string') n += (await this.measurements.getBatch(id))?.size ?? 0;
    return n;
  }
}
