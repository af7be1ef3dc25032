import { DeviceScale, hardwareEmbedding } from './device-scale';
import { scaleFeatures, type FeatureScaler } from './feature-scaler';
import { MetaSgdModel } from './meta-sgd-model';
import { tf } from './tf-backend';

/** A device's adapted state: everything needed to predict for it, as plain JSON. */
export interface DeviceCalibration {
  /** Hardware embedding (reference log-latencies on the device's own scale). */
  embedding: number[];
  /** Log-latency mean and std of the reference archs: maps targets back to ms. */
  scale: { mean: number; std: number };
  /** Adapted head of each ensemble member. */
  heads: number[][];
  /** RMS error (target units) of the ensemble mean on the support archs, a floor on the uncertainty. */
  supportRmse: number;
  /** Measured archs used besides the reference archs. */
  shots: number;
}

export interface LatencyEstimate {
  ms: number;
  /** Central 90 % interval. */
  low: number;
  high: number;
  /** Uncertainty in units of the device's log-latency scale (ensemble spread ⊕ support error). */
  uncertainty: number;
}

export interface Shot {
  features: readonly number[];
  ms: number;
}

const Z90 = 1.645;
const CHUNK = 2048;

/**
 * An ensemble of meta-trained members. `adapt` turns a device's reference latencies plus measured shots
 * into a DeviceCalibration; `predict` answers in ms with a 90 % interval from the members' spread and
 * the error left on the support set.
 */
export class LatencyPredictor {
  constructor(
    readonly members: readonly MetaSgdModel[],
    readonly scaler: FeatureScaler,
    /** Raw features of the space's reference archs, in hardware-embedding order. */
    readonly referenceFeatures: readonly (readonly number[])[],
  ) {}

  adapt(referenceMs: readonly number[], shots: readonly Shot[]): DeviceCalibration {
    if (referenceMs.length !== this.referenceFeatures.length)
      throw new RangeError(
        `expected ${this.referenceFeatures.length} reference latencies, got ${referenceMs.length}`,
      );
    const scale = DeviceScale.fromReferences(referenceMs);
    const embedding = hardwareEmbedding(referenceMs);
    const rows = [...this.referenceFeatures, ...shots.map((s) => s.features)].map((r) =>
      scaleFeatures(this.scaler, r),
    );
    const targets = [...referenceMs, ...shots.map((s) => s.ms)].map((ms) => scale.toTarget(ms));
    const heads = this.members.map((m) =>
      tf.tidy(() => {
        const e = tf.tensor2d([embedding]);
        const z = m.basis(tf.tensor3d([rows]), e);
        return Array.from(m.adaptHead(z, tf.tensor2d([targets]), e).dataSync());
      }),
    );
    const partial: DeviceCalibration = {
      embedding,
      scale: { mean: scale.mean, std: scale.std },
      heads,
      supportRmse: 0,
      shots: shots.length,
    };
    const { mean } = this.predictTargets(partial, rows);
    const rmse = Math.sqrt(mean.reduce((s, p, i) => s + (p - targets[i]) ** 2, 0) / targets.length);
    return { ...partial, supportRmse: rmse };
  }

  predict(calibration: DeviceCalibration, features: readonly (readonly number[])[]): LatencyEstimate[] {
    const { mean, std } = this.predictTargets(
      calibration,
      features.map((r) => scaleFeatures(this.scaler, r)),
    );
    const scale = calibration.scale;
    const toMs = (t: number): number => Math.exp(t * scale.std + scale.mean);
    return mean.map((m, i) => {
      const u = Math.sqrt(std[i] ** 2 + calibration.supportRmse ** 2);
      return { ms: toMs(m), low: toMs(m - Z90 * u), high: toMs(m + Z90 * u), uncertainty: u };
    });
  }

  /** Ensemble mean and spread in target units for already scaled rows. */
  predictTargets(
    calibration: DeviceCalibration,
    scaledRows: readonly (readonly number[])[],
  ): { mean: number[]; std: number[] } {
    const perMember = this.members.map((m, k) => {
      const out: number[] = [];
      for (let start = 0; start < scaledRows.length; start += CHUNK) {
        const rows = scaledRows.slice(start, start + CHUNK).map((r) => [...r]);
        out.push(
          ...tf.tidy(() => {
            const e = tf.tensor2d([calibration.embedding]);
            const z = m.basis(tf.tensor3d([rows]), e);
            return Array.from(m.applyHead(z, tf.tensor2d([calibration.heads[k]])).dataSync());
          }),
        );
      }
      return out;
    });
    const n = perMember.length;
    const mean = perMember[0].map((_, i) => perMember.reduce((s, p) => s + p[i], 0) / n);
    const std = mean.map((m, i) => Math.sqrt(perMember.reduce((s, p) => s + (p[i] - m) ** 2, 0) / n));
    return { mean, std };
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

export { DeviceScale };
