import { Injectable } from '@nestjs/common';
import { invalid, notFound, TailorError } from '@tailor/common';
import { CalibrationsRepository, DevicesRepository } from '@tailor/persistence';
import { archFeatures, type DeviceCalibration, type LatencyPredictor } from '@tailor/predictors';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { PredictorsService } from './predictors.service';

export const MAX_PREDICT_ARCHS = 10_000;

export interface PredictRequest {
  readonly searchSpace: string;
  readonly device: string;
  readonly archs: readonly unknown[];
}

/** A device's calibrated predictor, for engine code that wants latencies without measuring. */
export interface CalibratedPredictor {
  readonly predictor: LatencyPredictor;
  readonly calibration: DeviceCalibration;
  readonly calibrationId: string;
  readonly predictorId: string;
  /** Reference archs in hardware-embedding order, with their measured latencies. */
  readonly referenceArchs: readonly string[];
  readonly referenceMs: readonly number[];
  /** The few-shot archs the calibration adapted on, with their measured latencies. */
  readonly shots: ReadonlyMap<string, number>;
  /** The predictor's features of an arch of the space (parsed, or as the user gave it). */
  features(arch: unknown): number[];
}

/** Latency predictions for calibrated devices: the newest succeeded calibration of (device, space). */
@Injectable()
export class PredictService {
  constructor(
    private readonly calibrations: CalibrationsRepository,
    private readonly devices: DevicesRepository,
    private readonly predictors: PredictorsService,
    private readonly spaces: SearchSpacesService,
  ) {}

  async predict(req: PredictRequest) {
    const space = this.spaces.get(req.searchSpace, 'searchSpace');
    if (!Array.isArray(req.archs) || req.archs.length === 0 || req.archs.length > MAX_PREDICT_ARCHS)
      throw invalid('archs', `must hold 1 to ${MAX_PREDICT_ARCHS} architectures, got ${req.archs?.length}`);
    const archs = req.archs.map((input, i) => space.parse(input, `archs[${i}]`));
    if (!(await this.devices.get(req.device))) throw notFound('device', `unknown device "${req.device}"`);
    const row = await this.calibrations.latestSucceeded(req.device, space.id);
    if (!row)
      throw new TailorError(
        'CONFLICT',
        `device "${req.device}" has no calibration for ${space.id} yet; ` +
          `POST /api/v1/devices/${req.device}/calibrate {"searchSpace":"${space.id}"} first and wait until it has succeeded`,
        'device',
      );
    const loaded = await this.predictors.load(row.predictorId);
    const estimates = loaded.predictor.predict(
      row.calibration as unknown as DeviceCalibration,
      archs.map((a) => archFeatures(space, a)),
    );
    return {
      searchSpace: space.id,
      device: req.device,
      predictor: { id: loaded.id, version: loaded.version },
      calibration: { id: row.id, createdAt: row.createdAt, quality: row.quality },
      predictions: archs.map((a, i) => ({
        arch: space.canonical(a),
        ms: estimates[i].ms,
        low: estimates[i].low,
        high: estimates[i].high,
      })),
    };
  }

  /** A succeeded predictor by id (cached); use it before the next await. */
  async predictorOf(predictorId: string): Promise<LatencyPredictor> {
    return (await this.predictors.load(predictorId)).predictor;
  }

  /**
   * The device's calibrated predictor for a space, or null when it has no succeeded calibration. As
   * with PredictorsService.load, use the predictor before the next await.
   */
  async calibratedPredictor(deviceId: string, searchSpace: string): Promise<CalibratedPredictor | null> {
    const space = this.spaces.get(searchSpace, 'searchSpace');
    const row = await this.calibrations.latestSucceeded(deviceId, space.id);
    if (!row) return null;
    const loaded = await this.predictors.load(row.predictorId);
    const measured = row.measured ?? {};
    return {
      predictor: loaded.predictor,
      calibration: row.calibration as unknown as DeviceCalibration,
      calibrationId: row.id,
      predictorId: row.predictorId,
      referenceArchs: row.referenceArchs ?? [],
      referenceMs: (row.referenceArchs ?? []).map((k) => measured[k]),
      shots: new Map((row.shotArchs ?? []).map((k) => [k, measured[k]])),
      features: (arch) => archFeatures(space, space.parse(arch)),
    };
  }
}
