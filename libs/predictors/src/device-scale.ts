/**
 * Per-device target scale. A new device's latencies are unknown except for its reference archs, so both
 * the hardware embedding and the regression target are expressed relative to those: log-latency,
 * centred and scaled by the mean and standard deviation of the reference archs' log-latencies. That makes
 * the predictor scale-free (a device 10× faster has the same embedding) and lets it answer in ms.
 */
export class DeviceScale {
  private constructor(
    readonly mean: number,
    readonly std: number,
  ) {}

  static fromReferences(referenceMs: readonly number[]): DeviceScale {
    if (referenceMs.length < 2)
      throw new RangeError('a hardware embedding needs at least 2 reference latencies');
    for (const [i, ms] of referenceMs.entries())
      if (!(Number.isFinite(ms) && ms > 0))
        throw new RangeError(`reference latency ${i} must be a finite number > 0 ms, got ${ms}`);
    const logs = referenceMs.map(Math.log);
    const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
    const std = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / logs.length);
    // A device whose reference archs all take the same time carries no shape; a floor keeps it finite.
    return new DeviceScale(mean, Math.max(std, 0.05));
  }

  /** Scaled log-latency, clipped so a near-zero outlier (a pruned cell: 0.003 ms) cannot dominate a loss. */
  toTarget(ms: number): number {
    const t = (Math.log(ms) - this.mean) / this.std;
    return Math.min(TARGET_CLIP, Math.max(-TARGET_CLIP, t));
  }

  toMs(target: number): number {
    return Math.exp(target * this.std + this.mean);
  }
}

export const TARGET_CLIP = 6;

/** The hardware embedding: reference log-latencies on the device's own scale. */
export function hardwareEmbedding(referenceMs: readonly number[]): number[] {
  const scale = DeviceScale.fromReferences(referenceMs);
  return referenceMs.map((ms) => scale.toTarget(ms));
}
