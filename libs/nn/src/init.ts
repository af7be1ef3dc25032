import { Rng } from '@tailor/common';
import type { Weight } from './ir';

// Local bindings: under jest's vm sandbox every global `Math.x` lookup is ~25× slower, which made
// drawing OFA's 7M weights take seconds.
const { PI, cos, log, sin, sqrt } = Math;

/**
 * Seeded weight initialisation. Everything is drawn from one Rng in build order, so a (space, arch,
 * seed) triple always yields bit-identical weights. BN statistics are deliberately non-trivial
 * (mean ≠ 0, var ≠ 1, γ ≠ 1, β ≠ 0) so a backend that ignored or mis-ordered them would fail parity.
 */
export class WeightInit {
  private readonly rng: Rng;
  private spare: number | null = null;

  constructor(seed: number) {
    this.rng = Rng.fromSeed(seed);
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    // 1 - next() is in (0, 1], so the log is finite.
    const r = sqrt(-2 * log(1 - this.rng.next()));
    const theta = 2 * PI * this.rng.next();
    this.spare = r * sin(theta);
    return r * cos(theta);
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.rng.next();
  }

  tensor(shape: readonly number[], sample: () => number): Weight {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = sample();
    return { shape: [...shape], data };
  }

  /** He-normal (fan-in) weights: keeps activation variance roughly constant through ReLU stacks. */
  heNormal(shape: readonly number[], fanIn: number): Weight {
    const std = sqrt(2 / fanIn);
    return this.tensor(shape, () => std * this.normal());
  }

  /** Small biases, non-zero so a dropped bias shows up in parity tests. */
  bias(n: number): Weight {
    return this.tensor([n], () => 0.05 * this.normal());
  }

  /** BN for an input whose E[x²] is about `inputMoment` (see GraphBuilder on why it matters). */
  batchNorm(
    channels: number,
    inputMoment = 1,
  ): { gamma: Weight; beta: Weight; mean: Weight; variance: Weight } {
    const scale = sqrt(inputMoment);
    return {
      gamma: this.tensor([channels], () => this.uniform(0.5, 1.5)),
      beta: this.tensor([channels], () => 0.1 * this.normal()),
      mean: this.tensor([channels], () => 0.1 * scale * this.normal()),
      variance: this.tensor([channels], () => inputMoment * this.uniform(0.5, 1.5)),
    };
  }
}
