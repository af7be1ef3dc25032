/**
 * Analytic FLOPs/params accumulator using the counting convention of NAS-Bench-201's `flops`/`params`
 * columns (xautodl's `get_model_infos`), so our numbers can be checked against the benchmark's:
 * - conv: kernel² · (C_in / groups) · C_out multiply-accumulates per output pixel (+1 per output if biased);
 * - linear: C_in · C_out MACs plus one add per output for the bias;
 * - BatchNorm, ReLU, pooling and residual adds cost nothing;
 * - params: all weights and biases, plus BatchNorm's affine γ and β (2 per channel).
 */
export interface ConvSpec {
  readonly cin: number;
  readonly cout: number;
  readonly kernel: number;
  readonly stride?: number;
  /** Defaults to PyTorch's `same`-style `(kernel - 1) / 2` for odd kernels. */
  readonly padding?: number;
  readonly groups?: number;
  readonly bias?: boolean;
  /** A BatchNorm after the conv (adds 2·C_out params). */
  readonly bn?: boolean;
}

export class CostCounter {
  private macs = 0;
  private weights = 0;

  /** Adds a conv on an `h`×`w` input; returns the output size. */
  conv(spec: ConvSpec, h: number, w: number = h): { h: number; w: number } {
    const { cin, cout, kernel, stride = 1, groups = 1, bias = false, bn = false } = spec;
    const padding = spec.padding ?? Math.floor((kernel - 1) / 2);
    if (cin % groups !== 0 || cout % groups !== 0) {
      throw new RangeError(`conv ${cin}→${cout} channels cannot be split into ${groups} groups`);
    }
    const outH = Math.floor((h + 2 * padding - kernel) / stride) + 1;
    const outW = Math.floor((w + 2 * padding - kernel) / stride) + 1;
    const perPixel = kernel * kernel * (cin / groups) * cout;
    this.macs += perPixel * outH * outW + (bias ? cout * outH * outW : 0);
    this.weights += perPixel + (bias ? cout : 0);
    if (bn) this.batchNorm(cout);
    return { h: outH, w: outW };
  }

  batchNorm(channels: number): void {
    this.weights += 2 * channels;
  }

  linear(inFeatures: number, outFeatures: number, bias = true): void {
    this.macs += inFeatures * outFeatures + (bias ? outFeatures : 0);
    this.weights += inFeatures * outFeatures + (bias ? outFeatures : 0);
  }

  /** Raw totals (MACs, parameters). */
  totals(): { macs: number; params: number } {
    return { macs: this.macs, params: this.weights };
  }

  /** Totals in millions: the `flops` (MMACs) and `params` (M) units of `SearchSpace`. */
  millions(): { flops: number; params: number } {
    return { flops: this.macs / 1e6, params: this.weights / 1e6 };
  }
}
