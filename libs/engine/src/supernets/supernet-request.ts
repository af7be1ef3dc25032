import { invalid } from '@tailor/common';
import {
  DEFAULT_TRAINING,
  PHASES,
  type Phase,
  type TrainingConfig,
  validateTrainingConfig,
} from '@tailor/nn';

/**
 * Elastic spaces a supernet can be trained for. The supernet itself handles any elastic spec, but the
 * data is Fashion-MNIST (28×28 grayscale, 10 classes), which only fmnist-mbv3's stem and head fit.
 */
export const SUPERNET_SPACES: readonly string[] = ['fmnist-mbv3'];

/** Allowed [min, max] of each request field; the request DTO uses the same numbers. */
export const SUPERNET_RANGES = {
  epochs: [0, 1000],
  imagesPerEpoch: [1, 10_000_000],
  batchSize: [1, 4096],
  seed: [0, 1_000_000],
  calibrationImages: [1, 55_000],
  validationImages: [1, 60_000],
} as const;

export interface CreateSupernet {
  readonly searchSpace: string;
  /** Epochs per progressive-shrinking phase; 0 skips a phase (the default is 4, 1, 1, 2). */
  readonly epochs?: Readonly<Record<Phase, number>>;
  readonly imagesPerEpoch?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  readonly calibrationImages?: number;
  readonly validationImages?: number;
}

function checkInt(value: unknown, field: string, [min, max]: readonly [number, number]): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
    throw invalid(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  return value as number;
}

const optionalInt = (
  value: number | undefined,
  field: keyof typeof SUPERNET_RANGES,
  fallback: number | undefined,
): number | undefined => (value === undefined ? fallback : checkInt(value, field, SUPERNET_RANGES[field]));

function phasesOf(epochs: CreateSupernet['epochs']): TrainingConfig['phases'] {
  if (epochs === undefined) return DEFAULT_TRAINING.phases;
  if (typeof epochs !== 'object' || epochs === null)
    throw invalid('epochs', `must be an object {${PHASES.join(', ')}}`);
  for (const key of Object.keys(epochs))
    if (!PHASES.includes(key as Phase))
      throw invalid(`epochs.${key}`, `is not a phase (${PHASES.join(', ')})`);
  const counts = PHASES.map((p) => checkInt(epochs[p], `epochs.${p}`, SUPERNET_RANGES.epochs));
  if (counts.every((n) => n === 0)) throw invalid('epochs', 'needs at least one epoch in some phase');
  // The later phases distil from the network the full phase ends with (and resume needs that teacher).
  if (counts[0] === 0) throw invalid('epochs.full', 'must be at least 1: progressive shrinking starts there');
  return DEFAULT_TRAINING.phases
    .map((p) => ({ ...p, epochs: counts[PHASES.indexOf(p.phase)] }))
    .filter((p) => p.epochs > 0);
}

/**
 * The TrainingConfig a request asks for: DEFAULT_TRAINING with the request's values. Checks every field
 * before anything is stored, naming the first bad one.
 */
export function supernetTrainingConfig(req: CreateSupernet): TrainingConfig {
  if (typeof req.searchSpace !== 'string' || !SUPERNET_SPACES.includes(req.searchSpace))
    throw invalid(
      'searchSpace',
      `must be one of ${SUPERNET_SPACES.join(', ')} (the spaces with a supernet), got ${JSON.stringify(req.searchSpace)}`,
    );
  const phases = phasesOf(req.epochs);
  const batchSize = optionalInt(req.batchSize, 'batchSize', DEFAULT_TRAINING.batchSize)!;
  const imagesPerEpoch = optionalInt(req.imagesPerEpoch, 'imagesPerEpoch', DEFAULT_TRAINING.imagesPerEpoch);
  if (imagesPerEpoch !== undefined && imagesPerEpoch < batchSize)
    throw invalid('imagesPerEpoch', `must be at least batchSize (${batchSize}), got ${imagesPerEpoch}`);
  const config: TrainingConfig = {
    ...DEFAULT_TRAINING,
    phases,
    batchSize,
    seed: optionalInt(req.seed, 'seed', DEFAULT_TRAINING.seed)!,
    calibrationImages: optionalInt(
      req.calibrationImages,
      'calibrationImages',
      DEFAULT_TRAINING.calibrationImages,
    )!,
    validationImages: optionalInt(
      req.validationImages,
      'validationImages',
      DEFAULT_TRAINING.validationImages,
    ),
  };
  return validateTrainingConfig(imagesPerEpoch === undefined ? config : { ...config, imagesPerEpoch });
}
