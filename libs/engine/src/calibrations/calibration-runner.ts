import { Injectable, Logger } from '@nestjs/common';
import { Rng } from '@tailor/common';
import {
  CalibrationsRepository,
  type DeviceCalibrationEntity,
  type JsonObject,
  TablesRepository,
} from '@tailor/persistence';
import { archFeatures, scorePredictions, type LatencyEstimate } from '@tailor/predictors';
import { FarmLatencyService } from '../farm/farm-latency.service';
import { FINISHED } from '../predictors/predictor-views';
import { PredictorsService } from '../predictors/predictors.service';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { chooseCalibrationArchs, samplePool } from './shot-choice';

/** Archs the few-shot archs are chosen from; large enough that the most uncertain ones stand out. */
const POOL_SIZE = 500;
/** Fixed, so calibrating a device twice against the same predictor measures the same archs. */
const POOL_SEED = 0;

type Phase = 'references' | 'shots' | 'adapting';

interface LatencySource {
  /** The archs it can answer for, when not every arch of the space (a recorded table). */
  readonly candidates?: readonly string[];
  measure(keys: readonly string[], phase: Phase): Promise<Map<string, number | null>>;
}

/**
 * Runs one calibration job: measure the predictor's reference archs on the device, adapt on them
 * alone, measure the pool archs that reference-only calibration is least sure about plus a few random
 * held-out ones, adapt on references + shots, and score on the held-out archs.
 */
@Injectable()
export class CalibrationRunner {
  private readonly log = new Logger('CalibrationRunner');

  constructor(
    private readonly calibrations: CalibrationsRepository,
    private readonly predictors: PredictorsService,
    private readonly spaces: SearchSpacesService,
    private readonly farm: FarmLatencyService,
    private readonly tables: TablesRepository,
  ) {}

  async run(id: string): Promise<void> {
    const row = await this.calibrations.get(id);
    if (!row) return void this.log.warn(`calibration ${id} vanished; dropping its job`);
    if (FINISHED.includes(row.status)) return;
    if (!(await this.calibrations.markStarted(id))) return;
    try {
      await this.execute(row);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`calibration ${id} (${row.deviceId}, ${row.searchSpace}) failed: ${message}`);
      await this.calibrations.update(id, { status: 'failed', error: message, finishedAt: new Date() });
    }
  }

  private async execute(row: DeviceCalibrationEntity): Promise<void> {
    const space = this.spaces.get(row.searchSpace);
    const batchIds: string[] = [];
    const source = await this.source(row, batchIds);
    const features = (key: string) => archFeatures(space, space.parse(key));

    const refs = [...(await this.predictors.load(row.predictorId)).referenceArchs];
    await this.calibrations.update(row.id, {
      referenceArchs: refs,
      progress: { phase: 'references', pending: refs.length, total: refs.length, batchIds },
    });
    const refMeasured = await source.measure(refs, 'references');
    const lost = refs.find((k) => refMeasured.get(k) == null);
    if (lost !== undefined)
      throw new Error(
        `reference arch ${lost} could not be measured on device "${row.deviceId}"; a calibration needs ` +
          `all ${refs.length} reference archs (see the measurement batch's failures)`,
      );
    const refMs = refs.map((k) => refMeasured.get(k)!);

    const pool = samplePool(space, {
      size: POOL_SIZE,
      seed: POOL_SEED,
      exclude: new Set(refs),
      candidates: source.candidates,
    });
    const loaded = await this.predictors.load(row.predictorId);
    const referenceOnly = loaded.predictor.adapt(refMs, []);
    const uncertainty = loaded.predictor.predict(referenceOnly, pool.map(features)).map((e) => e.uncertainty);
    const chosen = chooseCalibrationArchs(
      pool,
      uncertainty,
      row.samples,
      row.validationCount,
      Rng.fromSeed(POOL_SEED + 1),
    );
    const wanted = [...chosen.shots, ...chosen.validation];
    await this.calibrations.update(row.id, {
      shotArchs: chosen.shots,
      validationArchs: chosen.validation,
      progress: { phase: 'shots', pending: wanted.length, total: wanted.length, batchIds },
    });
    const measured = await source.measure(wanted, 'shots');
    // Archs that failed for good (e.g. a model the device cannot build) are left out, not fatal.
    const ok = (keys: string[]) => keys.filter((k) => measured.get(k) != null);
    const shots = ok(chosen.shots);
    const validation = ok(chosen.validation);

    const { predictor } = await this.predictors.load(row.predictorId);
    const calibration = predictor.adapt(
      refMs,
      shots.map((k) => ({ features: features(k), ms: measured.get(k)! })),
    );
    const estimates = predictor.predict(calibration, validation.map(features));
    const quality = scoreCalibration(
      estimates,
      validation.map((k) => measured.get(k)!),
    );
    const all: Record<string, number> = Object.fromEntries(refs.map((k, i) => [k, refMs[i]]));
    for (const k of [...shots, ...validation]) all[k] = measured.get(k)!;
    await this.calibrations.update(row.id, {
      status: 'succeeded',
      shotArchs: shots,
      validationArchs: validation,
      measured: all,
      measurements: Object.keys(all).length,
      calibration: calibration as unknown as JsonObject,
      quality,
      progress: { phase: 'done', pending: 0, total: wanted.length, batchIds },
      finishedAt: new Date(),
    });
    this.log.log(
      `calibration ${row.id} (${row.deviceId}, ${row.searchSpace}) succeeded: ${JSON.stringify(quality)}`,
    );
  }

  /** Farm devices measure through measurement batches; recorded devices answer from their table. */
  private async source(row: DeviceCalibrationEntity, batchIds: string[]): Promise<LatencySource> {
    if (row.source === 'table') {
      const table = await this.tables.getLatencyTable(row.deviceId, row.searchSpace);
      if (!table)
        throw new Error(`device "${row.deviceId}" no longer has a latency table for ${row.searchSpace}`);
      const values = new Map(table.archKeys.map((k, i) => [k, table.values[i]]));
      return {
        candidates: table.archKeys,
        measure: async (keys) => new Map(keys.map((k) => [k, values.get(k) ?? null])),
      };
    }
    return {
      measure: (keys, phase) => {
        let shown = -1;
        return this.farm.latencies(row.deviceId, row.searchSpace, keys, {
          searchId: null,
          onBatch: async (batchId) => {
            batchIds.push(batchId);
            await this.progress(row.id, phase, keys.length, keys.length, batchIds);
          },
          onProgress: async (pending, total) => {
            if (pending === shown) return;
            shown = pending;
            await this.progress(row.id, phase, pending, total, batchIds);
          },
        });
      },
    };
  }

  private progress(id: string, phase: Phase, pending: number, total: number, batchIds: string[]) {
    return this.calibrations.update(id, { progress: { phase, pending, total, batchIds: [...batchIds] } });
  }
}

/** Quality on the held-out archs; the rank and error scores need at least 2 of them. */
export function scoreCalibration(
  estimates: readonly LatencyEstimate[],
  actual: readonly number[],
): JsonObject {
  const n = actual.length;
  if (n < 2)
    return {
      validationArchs: n,
      spearman: null,
      kendall: null,
      mape: null,
      within10: null,
      intervalCoverage: null,
    };
  const scores = scorePredictions(
    estimates.map((e) => e.ms),
    actual,
  );
  const covered = estimates.filter((e, i) => e.low <= actual[i] && actual[i] <= e.high).length;
  return { validationArchs: n, ...scores, intervalCoverage: covered / n };
}
