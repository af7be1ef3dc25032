import type { LatencyPredictor } from '@tailor/predictors';
import { archFeatures } from '@tailor/predictors';
import type { LatencyBelief } from '@tailor/search';
import type { SearchSpace } from '@tailor/search-spaces';

/** A device's calibration as the search needs it: the meta-trained predictor and what was measured. */
export interface CalibratedDevice {
  calibrationId: string;
  /** The meta-trained predictor; fetched on each use and used before the next await. */
  predictor: () => Promise<LatencyPredictor>;
  /** Reference archs in hardware-embedding order, with their measured latencies. */
  referenceArchs: string[];
  referenceMs: number[];
  /** Other archs measured for the calibration (the shots). */
  shots: ReadonlyMap<string, number>;
  /** Measurements the calibration took when it was made for this search (0 when it already existed). */
  measurementsTaken: number;
}

/** Supplies a device's calibration, calibrating it first when it has none (measures on the farm). */
export interface CalibrationProvider {
  calibrated(deviceId: string, searchSpace: string): Promise<CalibratedDevice>;
}

/** Measures archs on the device (null for a measurement that failed for good). */
export type DeviceMeasurer = (archKeys: readonly string[]) => Promise<ReadonlyMap<string, number | null>>;

/**
 * Latency of one device for one search, predicted by its calibrated predictor. Every latency measured
 * during the search (verification) is added to the shots and the predictor re-adapted, so the beliefs
 * sharpen exactly where the search spends measurements.
 */
export class PredictedDeviceLatency {
  private device: CalibratedDevice | undefined;
  private readonly measured = new Map<string, number>();
  private calibration: ReturnType<LatencyPredictor['adapt']> | undefined;
  private readonly cache = new Map<string, LatencyBelief>();
  measurementsTaken = 0;

  constructor(
    readonly deviceId: string,
    private readonly space: SearchSpace,
    private readonly provider: CalibrationProvider,
    private readonly measurer: DeviceMeasurer,
  ) {}

  /** Calibrates on first use (only inside a search job: it may measure on the device). */
  async ready(): Promise<CalibratedDevice> {
    if (!this.device) {
      this.device = await this.provider.calibrated(this.deviceId, this.space.id);
      this.measurementsTaken += this.device.measurementsTaken;
      await this.readapt();
    }
    return this.device;
  }

  get calibrationId(): string | undefined {
    return this.device?.calibrationId;
  }

  /** Every latency known on the device: reference archs, shots and verification measurements. */
  known(): Map<string, number> {
    const d = this.device;
    const out = new Map<string, number>();
    d?.referenceArchs.forEach((k, i) => out.set(k, d.referenceMs[i]));
    d?.shots.forEach((ms, k) => out.set(k, ms));
    this.measured.forEach((ms, k) => out.set(k, ms));
    return out;
  }

  async predict(keys: readonly string[]): Promise<LatencyBelief[]> {
    const device = await this.ready();
    const missing = [...new Set(keys.filter((k) => !this.cache.has(k)))];
    if (missing.length > 0) {
      const features = missing.map((k) => archFeatures(this.space, this.space.parse(k)));
      const predictor = await device.predictor();
      predictor.predict(this.calibration!, features).forEach((e, i) => this.cache.set(missing[i], e));
    }
    // A measured arch is known, not believed: its interval collapses onto the measurement.
    const known = this.known();
    return keys.map((k) => {
      const ms = known.get(k);
      return ms !== undefined ? { ms, low: ms, high: ms } : this.cache.get(k)!;
    });
  }

  /** Measures one arch on the device, then re-adapts on everything measured so far. */
  async measure(key: string): Promise<number | null> {
    await this.ready();
    const ms = (await this.measurer([key])).get(key) ?? null;
    this.measurementsTaken++;
    if (ms !== null) {
      this.measured.set(key, ms);
      await this.readapt();
    }
    return ms;
  }

  private async readapt(): Promise<void> {
    const d = this.device!;
    const refs = new Set(d.referenceArchs);
    const shots = [...d.shots, ...this.measured]
      .filter(([k]) => !refs.has(k))
      .map(([k, ms]) => ({ features: archFeatures(this.space, this.space.parse(k)), ms }));
    const predictor = await d.predictor();
    this.calibration = predictor.adapt(d.referenceMs, shots);
    this.cache.clear();
  }
}
