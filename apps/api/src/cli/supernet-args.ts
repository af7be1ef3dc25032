import { TailorError } from '@tailor/common';
import { DEFAULT_TRAINING, PHASES, type TrainingConfig } from '@tailor/nn';

export const SUPERNET_USAGE = `Usage:
  tailor supernet train --out DIR [--space fmnist-mbv3] [--data DIR] [--epochs 4,1,1,2] [--images-per-epoch N]
                        [--batch 64] [--seed 1] [--validation-images 1000]
    Trains an elastic supernet by progressive shrinking (full → kernel → depth → expand; --epochs per phase,
    0 skips one) on Fashion-MNIST (--data: its IDX folder, default /usr/share/datasets/fashion-mnist).
    Checkpoints into DIR every epoch and every 50 steps; the same command resumes where it stopped (the
    checkpoint's settings win). Progress goes to stdout and DIR/training.log.
    --arch ARCH trains that one subnet from scratch instead (--epochs N: one count, default 8, the
    supernet's total), the baseline a specialized subnet is compared with.
  tailor supernet score --checkpoint DIR --out FILE [--samples 1000] [--seed 0] [--calibration-images 2000]
                        [--validation-images N] [--data DIR]
    Samples distinct subnets (the largest and smallest first), recalibrates each one's BN on training images
    and scores it on the validation split: the accuracy predictor's training data.
  tailor supernet evaluate --checkpoint DIR --arch ARCH [--split test|validation] [--data DIR]
    One subnet's accuracy with recalibrated BN.
  tailor supernet predictor --scores FILE --out FILE [--seed 0] [--epochs 200]
    Trains OFA's accuracy predictor (MLP 3×400 ReLU on the space encoding) on a score file, holding 20 % of
    the subnets out, prints Spearman/Kendall/MAE on them and writes the predictor file.`;

interface Common {
  readonly space: string;
  readonly data?: string;
}
export interface TrainArgs extends Common {
  readonly command: 'train';
  readonly out: string;
  readonly config: TrainingConfig;
}
export interface ScoreArgs extends Common {
  readonly command: 'score';
  readonly checkpoint: string;
  readonly out: string;
  readonly samples: number;
  readonly seed: number;
  readonly calibrationImages: number;
  readonly validationImages?: number;
}
export interface EvaluateArgs extends Common {
  readonly command: 'evaluate';
  readonly checkpoint: string;
  readonly arch: string;
  readonly split: 'test' | 'validation';
}
export interface PredictorArgs {
  readonly command: 'predictor';
  readonly scores: string;
  readonly out: string;
  readonly seed: number;
  readonly epochs: number;
}
export type SupernetArgs = TrainArgs | ScoreArgs | EvaluateArgs | PredictorArgs;

const FLAGS: Record<SupernetArgs['command'], readonly string[]> = {
  train: [
    '--out',
    '--space',
    '--data',
    '--seed',
    '--batch',
    '--images-per-epoch',
    '--validation-images',
    '--epochs',
    '--arch',
  ],
  score: [
    '--checkpoint',
    '--out',
    '--space',
    '--data',
    '--samples',
    '--seed',
    '--calibration-images',
    '--validation-images',
  ],
  evaluate: ['--checkpoint', '--arch', '--space', '--data', '--split'],
  predictor: ['--scores', '--out', '--seed', '--epochs'],
};

const fail = (field: string, message: string): never => {
  throw new TailorError('INVALID_ARGUMENT', message, field);
};

export function parseSupernetArgs(argv: readonly string[]): SupernetArgs {
  const command = argv[0] as SupernetArgs['command'];
  if (!(command in FLAGS)) fail('command', `unknown supernet command "${argv[0] ?? ''}"\n${SUPERNET_USAGE}`);
  const o: Record<string, string> = {};
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i];
    if (!FLAGS[command].includes(flag))
      fail(flag, `unknown option "${flag}" for supernet ${command}\n${SUPERNET_USAGE}`);
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) fail(flag, 'needs a value');
    o[flag] = v;
  }
  const int = (flag: string, min: number, max: number, fallback?: number): number => {
    const raw = o[flag];
    if (raw === undefined) return fallback ?? fail(flag, `${flag} is required\n${SUPERNET_USAGE}`);
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      fail(flag, `must be an integer in [${min}, ${max}], got "${raw}"`);
    return n;
  };
  const required = (flag: string): string => o[flag] ?? fail(flag, `${flag} is required\n${SUPERNET_USAGE}`);
  const common = { space: o['--space'] ?? 'fmnist-mbv3', data: o['--data'] };
  if (command === 'score') {
    return {
      command,
      ...common,
      checkpoint: required('--checkpoint'),
      out: required('--out'),
      samples: int('--samples', 1, 100_000, 1000),
      seed: int('--seed', 0, 1_000_000, 0),
      calibrationImages: int('--calibration-images', 1, 55_000, 2000),
      validationImages: o['--validation-images'] ? int('--validation-images', 1, 60_000) : undefined,
    };
  }
  if (command === 'predictor') {
    return {
      command,
      scores: required('--scores'),
      out: required('--out'),
      seed: int('--seed', 0, 1_000_000, 0),
      epochs: int('--epochs', 1, 100_000, 200),
    };
  }
  if (command === 'evaluate') {
    const split = o['--split'] ?? 'test';
    if (split !== 'test' && split !== 'validation')
      fail('--split', `must be test or validation, got "${split}"`);
    return {
      command,
      ...common,
      checkpoint: required('--checkpoint'),
      arch: required('--arch'),
      split: split as 'test',
    };
  }
  let config: TrainingConfig = {
    ...DEFAULT_TRAINING,
    seed: int('--seed', 0, 1_000_000, DEFAULT_TRAINING.seed),
    batchSize: int('--batch', 1, 4096, DEFAULT_TRAINING.batchSize),
    validationImages: int('--validation-images', 1, 60_000, DEFAULT_TRAINING.validationImages),
  };
  if (o['--images-per-epoch'])
    config = { ...config, imagesPerEpoch: int('--images-per-epoch', 1, 10_000_000) };
  if (o['--arch']) {
    // The from-scratch baseline: one fixed subnet, the full phase's recipe, no teacher.
    const epochs = int(
      '--epochs',
      1,
      1000,
      DEFAULT_TRAINING.phases.reduce((n, p) => n + p.epochs, 0),
    );
    return {
      command,
      ...common,
      out: required('--out'),
      config: { ...config, arch: o['--arch'], phases: [{ ...DEFAULT_TRAINING.phases[0], epochs }] },
    };
  }
  if (o['--epochs']) {
    const counts = o['--epochs'].split(',');
    if (counts.length !== PHASES.length)
      fail('--epochs', `needs ${PHASES.length} counts (${PHASES.join(',')}), 0 skips a phase`);
    const epochs = counts.map((c) => Number(c));
    if (epochs.some((e) => !Number.isInteger(e) || e < 0 || e > 1000))
      fail('--epochs', `must be integers in [0, 1000], got "${o['--epochs']}"`);
    config = {
      ...config,
      phases: DEFAULT_TRAINING.phases
        .map((p) => ({ ...p, epochs: epochs[PHASES.indexOf(p.phase)] }))
        .filter((p) => p.epochs > 0),
    };
  }
  return { command, ...common, out: required('--out'), config };
}
