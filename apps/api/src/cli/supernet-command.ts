import fs from 'node:fs';
import path from 'node:path';
import { TailorError } from '@tailor/common';
import {
  DEFAULT_TRAINING,
  PHASES,
  type TrainingConfig,
  type TrainingProgress,
  loadFashionMnist,
  registerWasmGradKernels,
  trainSupernet,
} from '@tailor/nn';
import { ensureTrainingBackend } from '@tailor/predictors';
import { type ElasticSpace, SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';

export const SUPERNET_USAGE = `Usage:
  tailor supernet train --out DIR [--space fmnist-mbv3] [--data DIR] [--epochs 4,1,1,2] [--images-per-epoch N]
                        [--batch 64] [--seed 1] [--validation-images 2000]
  Trains an elastic supernet by progressive shrinking (full → kernel → depth → expand) on Fashion-MNIST
  (--data: the IDX folder, default /usr/share/datasets/fashion-mnist). Checkpoints into DIR every epoch
  and every 50 steps; run the same command again to resume where it stopped (the checkpoint's settings win).
  Progress lines go to stdout and to DIR/training.log.`;

export interface SupernetTrainArgs {
  readonly out: string;
  readonly space: string;
  readonly data?: string;
  readonly config: TrainingConfig;
}

export function parseSupernetArgs(argv: readonly string[]): SupernetTrainArgs {
  if (argv[0] !== 'train') {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `unknown supernet command "${argv[0] ?? ''}"\n${SUPERNET_USAGE}`,
      'command',
    );
  }
  let out: string | undefined;
  let space = 'fmnist-mbv3';
  let data: string | undefined;
  let config: TrainingConfig = DEFAULT_TRAINING;
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--'))
        throw new TailorError('INVALID_ARGUMENT', 'needs a value', flag);
      return v;
    };
    const int = (raw: string, min: number, max: number): number => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new TailorError(
          'INVALID_ARGUMENT',
          `must be an integer in [${min}, ${max}], got "${raw}"`,
          flag,
        );
      }
      return n;
    };
    if (flag === '--out') out = value();
    else if (flag === '--space') space = value();
    else if (flag === '--data') data = value();
    else if (flag === '--seed') config = { ...config, seed: int(value(), 0, 1_000_000) };
    else if (flag === '--batch') config = { ...config, batchSize: int(value(), 1, 4096) };
    else if (flag === '--images-per-epoch')
      config = { ...config, imagesPerEpoch: int(value(), 1, 10_000_000) };
    else if (flag === '--validation-images')
      config = { ...config, validationImages: int(value(), 1, 10_000_000) };
    else if (flag === '--epochs') {
      const epochs = value().split(',');
      if (epochs.length !== PHASES.length) {
        throw new TailorError(
          'INVALID_ARGUMENT',
          `needs ${PHASES.length} counts (${PHASES.join(',')}), 0 to skip a phase`,
          flag,
        );
      }
      const counts = epochs.map((e) => int(e, 0, 1000));
      const phases = DEFAULT_TRAINING.phases
        .map((p) => ({ ...p, epochs: counts[PHASES.indexOf(p.phase)] }))
        .filter((p) => p.epochs > 0);
      config = { ...config, phases };
    } else throw new TailorError('INVALID_ARGUMENT', `unknown option "${flag}"\n${SUPERNET_USAGE}`, flag);
  }
  if (!out) throw new TailorError('INVALID_ARGUMENT', `--out DIR is required\n${SUPERNET_USAGE}`, '--out');
  return { out, space, data, config };
}

export function formatProgress(p: TrainingProgress): string {
  const at = `${p.phase} (phase ${p.phaseIndex + 1}/${p.phases}) epoch ${p.epoch + 1}/${p.epochs}`;
  if (p.epochRecord) {
    const r = p.epochRecord;
    return (
      `${r.phase} epoch ${r.epoch + 1} done: loss ${r.meanLoss.toFixed(4)}, validation accuracy largest ` +
      `${(100 * r.largestAccuracy).toFixed(2)} % smallest ${(100 * r.smallestAccuracy).toFixed(2)} %, ` +
      `${r.images} images in ${r.seconds.toFixed(0)} s`
    );
  }
  return `${at} step ${p.step}/${p.steps}: loss ${p.loss.toFixed(4)}, lr ${p.learningRate.toFixed(4)}, ${p.imagesPerSecond.toFixed(1)} images/s`;
}

export async function runSupernetCommand(argv: readonly string[]): Promise<number> {
  const args = parseSupernetArgs(argv);
  const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get(args.space) as ElasticSpace<unknown>;
  if (!('spec' in space))
    throw new TailorError('INVALID_ARGUMENT', `${args.space} is not an elastic space`, '--space');
  const backend = await ensureTrainingBackend();
  registerWasmGradKernels();
  const data = loadFashionMnist({ dataDir: args.data });
  fs.mkdirSync(args.out, { recursive: true });
  const log = path.join(args.out, 'training.log');
  const say = (line: string): void => {
    const stamped = `${new Date().toISOString()} ${line}`;
    console.log(stamped);
    fs.appendFileSync(log, `${stamped}\n`);
  };
  say(
    `supernet train ${args.space} on ${backend}: ${data.train.count} train / ${data.validation.count} validation images → ${args.out}`,
  );
  let stop = false;
  const onSignal = (): void => {
    stop = true;
    say('signal: saving a checkpoint and stopping');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result = await trainSupernet({
    space,
    data,
    dir: args.out,
    config: args.config,
    onProgress: (p) => say(formatProgress(p)),
    shouldStop: () => stop,
    progressEverySteps: 10,
    checkpointEverySteps: 50,
  });
  result.net.dispose();
  say(
    result.stopped
      ? 'stopped; run the same command to resume'
      : `done in ${result.state.seconds.toFixed(0)} s of training`,
  );
  return 0;
}
