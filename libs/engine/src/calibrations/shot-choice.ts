import { Rng } from '@tailor/common';
import { sampleWithoutReplacement } from '@tailor/predictors';
import type { SearchSpace } from '@tailor/search-spaces';

export interface PoolOptions {
  readonly size: number;
  readonly seed: number;
  /** Archs never drawn (the reference archs: they are measured anyway). */
  readonly exclude: ReadonlySet<string>;
  /**
   * Draw from these canonical archs instead of the whole space: a recorded device can only answer for
   * the archs of its table.
   */
  readonly candidates?: readonly string[];
}

/** `size` distinct canonical archs (fewer when the space or the candidates have fewer), fixed by the seed. */
export function samplePool(space: SearchSpace, opts: PoolOptions): string[] {
  const rng = Rng.fromSeed(opts.seed);
  if (opts.candidates) {
    const open = [...new Set(opts.candidates)].filter((k) => !opts.exclude.has(k));
    return sampleWithoutReplacement(open, Math.min(opts.size, open.length), rng);
  }
  const pool = new Set<string>();
  // Small spaces run out of new archs; the try limit ends the loop there.
  for (let tries = 0; pool.size < opts.size && tries < opts.size * 50; tries++) {
    const key = space.canonical(space.sample(rng));
    if (!opts.exclude.has(key)) pool.add(key);
  }
  return [...pool];
}

export interface CalibrationArchs {
  /** Measured to adapt on: the pool archs the reference-only calibration is least sure about. */
  shots: string[];
  /** Measured to score the calibration on: random pool archs that are not shots. */
  validation: string[];
}

/**
 * Active choice of the few-shot archs: the `samples` archs with the largest predicted uncertainty
 * (ties keep pool order), so each measurement goes where the predictor knows least about the device;
 * plus `validationCount` random other archs, held out to score the result.
 */
export function chooseCalibrationArchs(
  pool: readonly string[],
  uncertainty: readonly number[],
  samples: number,
  validationCount: number,
  rng: Rng,
): CalibrationArchs {
  if (uncertainty.length !== pool.length)
    throw new RangeError(`uncertainty has ${uncertainty.length} values for ${pool.length} pool archs`);
  const order = pool.map((_, i) => i).sort((a, b) => uncertainty[b] - uncertainty[a] || a - b);
  const shotIndex = order.slice(0, samples);
  const taken = new Set(shotIndex);
  const rest = pool.filter((_, i) => !taken.has(i));
  return {
    shots: shotIndex.map((i) => pool[i]),
    validation: sampleWithoutReplacement(rest, Math.min(validationCount, rest.length), rng),
  };
}
