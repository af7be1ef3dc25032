import type { DeviceCalibrationEntity, PredictorSummary } from '@tailor/persistence';

export type ModelJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export const FINISHED: readonly string[] = ['succeeded', 'failed'];

/** What a user sees of a predictor: how it was trained and how well it ranks; never the weights. */
export function predictorView(p: PredictorSummary) {
  return {
    id: p.id,
    searchSpace: p.searchSpace,
    version: p.version,
    status: p.status,
    options: p.options,
    sourceDevices: p.sourceDevices,
    validationDevices: p.validationDevices,
    progress: p.progress,
    /** Spearman rank correlation per validation device, after adapting like a new device. */
    validation: p.validation,
    error: p.error,
    createdAt: p.createdAt,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
  };
}

/** A calibration without the adapted model state (the DeviceCalibration stays server-side). */
export function calibrationView(c: DeviceCalibrationEntity, predictorVersion: number | null) {
  return {
    id: c.id,
    deviceId: c.deviceId,
    searchSpace: c.searchSpace,
    predictor: { id: c.predictorId, version: predictorVersion },
    status: c.status,
    source: c.source,
    samples: c.samples,
    validationCount: c.validationCount,
    progress: c.progress,
    quality: c.quality,
    measurements: c.measurements,
    referenceArchs: c.referenceArchs,
    shotArchs: c.shotArchs,
    validationArchs: c.validationArchs,
    measured: c.measured,
    error: c.error,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
  };
}
