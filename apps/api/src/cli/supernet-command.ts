import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Rng, TailorError } from '@tailor/common';
import {
  type TrainingProgress,
  WEIGHTS_FILE,
  archFromGenes,
  evaluateRecalibrated,
  largestGenes,
  loadFashionMnist,
  loadSupernet,
  registerWasmGradKernels,
  sampleDistinct,
  scoreSubnets,
  smallestGenes,
  trainSupernet,
} from '@tailor/nn';
import { AccuracyPredictor, ensureTrainingBackend } from '@tailor/predictors';
import { type ElasticSpace, SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';
import {
  type EvaluateArgs,
  type PredictorArgs,
  type ScoreArgs,
  type TrainArgs,
  parseSupernetArgs,
} from './supernet-args';

export const SUBNET_SCORES_FORMAT = 'tailor-subnet-scores';

export function formatProgress(p: TrainingProgress): string {
  if (p.epochRecord) {
    const r = p.epochRecord;
    return (
      `${r.phase} epoch ${r.epoch + 1} done: loss ${r.meanLoss.toFixed(4)}, validation accuracy largest ` +
      `${(100 * r.largestAccuracy).toFixed(2)} % smallest ${(100 * r.smallestAccuracy).toFixed(2)} %, ` +
      `${r.images} images in ${r.seconds.toFixed(0)} s`
    );
  }
  const at = `${p.phase} (phase ${p.phaseIndex + 1}/${p.phases}) epoch ${p.epoch + 1}/${p.epochs}`;
  return `${at} step ${p.step}/${p.steps}: loss ${p.loss.toFixed(4)}, lr ${p.learningRate.toFixed(4)}, ${p.imagesPerSecond.toFixed(1)} images/s`;
}

function elasticSpace(id: string): ElasticSpace<unknown> {
  const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get(id) as ElasticSpace<unknown>;
  if (!('spec' in space))
    throw new TailorError('INVALID_ARGUMENT', `${id} is not an elastic space`, '--space');
  return space;
}

/** SIGINT/SIGTERM set a flag that the long loops poll, so they can checkpoint and stop cleanly. */
function stopFlag(say: (line: string) => void): () => boolean {
  let stop = false;
  const onSignal = (): void => {
    stop = true;
    say('signal: stopping after the current step');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => stop;
}

async function train(args: TrainArgs): Promise<number> {
  const space = elasticSpace(args.space);
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
  const result = await trainSupernet({
    space,
    data,
    dir: args.out,
    // A twin's arch is stored canonical, so the checkpoint names exactly the subnet it trained.
    config: args.config.arch
      ? { ...args.config, arch: space.canonical(space.parse(args.config.arch, '--arch')) }
      : args.config,
    onProgress: (p) => say(formatProgress(p)),
    shouldStop: stopFlag(say),
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

async function score(args: ScoreArgs): Promise<number> {
  const space = elasticSpace(args.space);
  await ensureTrainingBackend();
  const data = loadFashionMnist({ dataDir: args.data });
  const net = loadSupernet(space, args.checkpoint);
  const corners = [largestGenes, smallestGenes].map((g) => archFromGenes(space, g(space.spec)));
  const cornerKeys = new Set(corners.map((a) => space.canonical(a)));
  const sampled = sampleDistinct(space, args.samples, Rng.fromSeed(args.seed)).filter(
    (a) => !cornerKeys.has(space.canonical(a)),
  );
  const archs = [...corners, ...sampled].slice(0, args.samples);
  const started = Date.now();
  const shouldStop = stopFlag((line) => console.error(line));
  const subnets = await scoreSubnets(net, archs, data, data.validation, {
    calibrationImages: args.calibrationImages,
    limit: args.validationImages,
    seed: args.seed,
    shouldStop,
    onProgress: (done, total) => {
      if (done % 10 === 0 || done === total) {
        const rate = done / ((Date.now() - started) / 1000);
        console.error(`scored ${done}/${total} subnets (${rate.toFixed(2)}/s)`);
      }
    },
  });
  const weights = fs.readFileSync(path.join(args.checkpoint, WEIGHTS_FILE));
  const file = {
    format: SUBNET_SCORES_FORMAT,
    version: 1,
    spaceId: space.id,
    supernet: {
      dir: path.resolve(args.checkpoint),
      sha256: createHash('sha256').update(weights).digest('hex'),
    },
    split: 'validation',
    images: args.validationImages ?? data.validation.count,
    calibrationImages: args.calibrationImages,
    seed: args.seed,
    seconds: (Date.now() - started) / 1000,
    complete: subnets.length === archs.length,
    subnets,
  };
  fs.writeFileSync(args.out, `${JSON.stringify(file, null, 1)}\n`);
  console.log(`wrote ${subnets.length} scored subnets to ${args.out} in ${file.seconds.toFixed(0)} s`);
  net.dispose();
  return 0;
}

async function evaluate(args: EvaluateArgs): Promise<number> {
  const space = elasticSpace(args.space);
  await ensureTrainingBackend();
  const data = loadFashionMnist({ dataDir: args.data });
  const arch = space.parse(args.arch, '--arch');
  const net = loadSupernet(space, args.checkpoint);
  const r = await evaluateRecalibrated(net, arch, data.train, data[args.split]);
  console.log(
    `${space.canonical(arch)}: ${args.split} accuracy ${(100 * r.accuracy).toFixed(2)} % (loss ${r.loss.toFixed(4)}, ${r.count} images), ` +
      `${space.flops(arch).toFixed(2)} MMACs, ${(space.params(arch) * 1e6).toFixed(0)} params`,
  );
  net.dispose();
  return 0;
}

async function predictor(args: PredictorArgs): Promise<number> {
  const file = JSON.parse(fs.readFileSync(args.scores, 'utf8')) as {
    format?: string;
    spaceId: string;
    subnets: { arch: string; accuracy: number }[];
  };
  if (file.format !== SUBNET_SCORES_FORMAT) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${args.scores} is not a ${SUBNET_SCORES_FORMAT} file`,
      '--scores',
    );
  }
  const space = elasticSpace(file.spaceId);
  await ensureTrainingBackend();
  const samples = file.subnets.map((s, i) => ({
    encoding: space.encode(space.parse(s.arch, `subnets[${i}].arch`)),
    accuracy: s.accuracy,
  }));
  const started = Date.now();
  const model = AccuracyPredictor.fit(space.id, samples, { seed: args.seed, epochs: args.epochs });
  const r = model.report!;
  fs.writeFileSync(args.out, `${JSON.stringify(model.toJSON())}\n`);
  console.log(
    `accuracy predictor (${r.train} train / ${r.heldOut} held-out subnets, ${((Date.now() - started) / 1000).toFixed(0)} s): ` +
      `Spearman ${r.spearman.toFixed(3)}, Kendall τ ${r.kendallTau.toFixed(3)}, MAE ${r.maePoints.toFixed(2)} points, ` +
      `RMSE ${r.rmsePoints.toFixed(2)} points → ${args.out}`,
  );
  model.dispose();
  return 0;
}

export async function runSupernetCommand(argv: readonly string[]): Promise<number> {
  const args = parseSupernetArgs(argv);
  if (args.command === 'train') return train(args);
  if (args.command === 'score') return score(args);
  if (args.command === 'predictor') return predictor(args);
  return evaluate(args);
}
