import { type Rng, invalid } from '@tailor/common';
import type { ElasticArch, ElasticNetSpec } from '@tailor/search-spaces';
import type { Augmentation } from '../data/image-batches';
import { largestGenes } from './supernet-params';

/**
 * Progressive shrinking's phases (OFA): the full network first, then elastic kernel, elastic depth and
 * elastic expand (here with the width multiplier, the space's other channel choice).
 */
export const PHASES = ['full', 'kernel', 'depth', 'expand'] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseConfig {
  readonly phase: Phase;
  readonly epochs: number;
  /** Peak learning rate of the phase's cosine schedule. */
  readonly learningRate: number;
  /** Subnets sampled per step, their gradients summed (OFA's dynamic_batch_size). */
  readonly subnetsPerStep: number;
}

export interface TrainingConfig {
  readonly seed: number;
  readonly batchSize: number;
  /** Images drawn (seeded, without replacement) per epoch; the whole training split when absent. */
  readonly imagesPerEpoch?: number;
  readonly phases: readonly PhaseConfig[];
  /** OFA: 0.1 */
  readonly labelSmoothing: number;
  /** OFA: 1 — weight of the soft cross-entropy to the full network's (teacher's) outputs. */
  readonly kdRatio: number;
  readonly momentum: number;
  /** On conv/linear weights and kernel transforms; none on BN and biases (OFA's no_decay_keys). */
  readonly weightDecay: number;
  /** Linear warm-up steps at the start of the first phase. */
  readonly warmupSteps: number;
  readonly augmentation: Augmentation;
  /** Training images for each corner subnet's BN recalibration at epoch ends. */
  readonly calibrationImages: number;
  /** Validation images scored at epoch ends (the whole split when absent). */
  readonly validationImages?: number;
  /**
   * Trains this one subnet (canonical arch) instead of the largest in the `full` phase, and nothing
   * else: the "same architecture trained from scratch" baseline. Its records' largestAccuracy is its own.
   */
  readonly arch?: string;
}

/** OFA's recipe scaled to a 2-core CPU: few epochs, one or two subnets a step. */
export const DEFAULT_TRAINING: TrainingConfig = {
  seed: 1,
  batchSize: 64,
  phases: [
    { phase: 'full', epochs: 4, learningRate: 0.08, subnetsPerStep: 1 },
    { phase: 'kernel', epochs: 1, learningRate: 0.03, subnetsPerStep: 1 },
    { phase: 'depth', epochs: 1, learningRate: 0.03, subnetsPerStep: 2 },
    { phase: 'expand', epochs: 2, learningRate: 0.03, subnetsPerStep: 2 },
  ],
  labelSmoothing: 0.1,
  kdRatio: 1,
  momentum: 0.9,
  weightDecay: 3e-5,
  warmupSteps: 100,
  augmentation: { flip: true, shift: 2 },
  calibrationImages: 1000,
  validationImages: 1000,
};

const positiveInt = (v: unknown, field: string): void => {
  if (!Number.isInteger(v) || (v as number) < 1)
    throw invalid(field, `must be a positive integer, got ${String(v)}`);
};

/** Checks a config, naming the first bad field. Phases must be in PS order (a subset is allowed). */
export function validateTrainingConfig(c: TrainingConfig): TrainingConfig {
  positiveInt(c.batchSize, 'batchSize');
  if (c.imagesPerEpoch !== undefined) positiveInt(c.imagesPerEpoch, 'imagesPerEpoch');
  if (c.phases.length === 0) throw invalid('phases', 'needs at least one phase');
  c.phases.forEach((p, i) => {
    if (!PHASES.includes(p.phase))
      throw invalid(`phases[${i}].phase`, `must be one of ${PHASES.join(', ')}, got ${String(p.phase)}`);
    if (i > 0 && PHASES.indexOf(p.phase) <= PHASES.indexOf(c.phases[i - 1].phase)) {
      throw invalid(
        `phases[${i}].phase`,
        `must come after ${c.phases[i - 1].phase} (order: ${PHASES.join(' → ')})`,
      );
    }
    positiveInt(p.epochs, `phases[${i}].epochs`);
    positiveInt(p.subnetsPerStep, `phases[${i}].subnetsPerStep`);
    if (!(p.learningRate > 0 && p.learningRate < 10))
      throw invalid(`phases[${i}].learningRate`, `must be in (0, 10), got ${p.learningRate}`);
  });
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing < 1))
    throw invalid('labelSmoothing', `must be in [0, 1), got ${c.labelSmoothing}`);
  if (!(c.kdRatio >= 0)) throw invalid('kdRatio', `must be ≥ 0, got ${c.kdRatio}`);
  if (!(c.momentum >= 0 && c.momentum < 1)) throw invalid('momentum', `must be in [0, 1), got ${c.momentum}`);
  if (!(c.weightDecay >= 0)) throw invalid('weightDecay', `must be ≥ 0, got ${c.weightDecay}`);
  positiveInt(c.calibrationImages, 'calibrationImages');
  if (c.arch !== undefined && c.phases.some((p) => p.phase !== 'full')) {
    throw invalid(
      'arch',
      'a fixed arch is trained by the full phase alone (from scratch); drop the other phases',
    );
  }
  return c;
}

/** Cosine decay from `peak` to 0 over `total` steps, after a linear warm-up of `warmup` steps. */
export function learningRateAt(peak: number, step: number, total: number, warmup = 0): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const t = (step - warmup) / Math.max(1, total - warmup);
  return 0.5 * peak * (1 + Math.cos(Math.PI * Math.min(1, t)));
}

/**
 * The subnet a phase trains: `full` the largest; `kernel` random kernels; `depth` adds random depths;
 * `expand` everything random (expand ratios and width too). Unsampled genes stay at their largest.
 */
export function samplePhaseGenes(spec: ElasticNetSpec, phase: Phase, rng: Rng): ElasticArch {
  const g = largestGenes(spec);
  if (phase === 'full') return g;
  const ks = g.ks.map(() => rng.pick(spec.kernels));
  const d = phase === 'kernel' ? g.d : g.d.map(() => rng.pick(spec.depths));
  if (phase !== 'expand') return { ...g, ks, d };
  return { ...g, ks, d, e: g.e.map(() => rng.pick(spec.expandRatios)), w: rng.pick(spec.widths) };
}
