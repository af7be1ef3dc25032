import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tailor/common';
import type { ElasticSpace } from '@tailor/search-spaces';
import type { FashionMnist } from '../data/fashion-mnist';
import { makeBatch } from '../data/image-batches';
import { calibrateBatchNorm, evaluateSubnet } from './bn-calibration';
import { reorderChannels } from './channel-reorder';
import { ElasticSupernet } from './elastic-supernet';
import {
  type Phase,
  type TrainingConfig,
  learningRateAt,
  samplePhaseGenes,
  validateTrainingConfig,
} from './ps-config';
import { SgdNesterov, decaysWeight } from './sgd-nesterov';
import { archFromGenes, largestGenes, smallestGenes } from './supernet-params';
import {
  MOMENTUM_FILE,
  TEACHER_FILE,
  WEIGHTS_FILE,
  hasCheckpoint,
  loadInto,
  readManifest,
  saveCheckpoint,
} from './supernet-checkpoint';

/** Validation accuracy of the two corner subnets after an epoch, each with recalibrated BN. */
export interface EpochRecord {
  readonly phase: Phase;
  readonly epoch: number;
  readonly meanLoss: number;
  readonly largestAccuracy: number;
  readonly smallestAccuracy: number;
  readonly images: number;
  readonly seconds: number;
}

export interface TrainingState {
  readonly config: TrainingConfig;
  /** Position of the next step to run. */
  readonly phaseIndex: number;
  readonly epoch: number;
  readonly step: number;
  readonly history: readonly EpochRecord[];
  readonly done: boolean;
  /** Training seconds spent so far, summed over resumes. */
  readonly seconds: number;
}

export interface TrainingProgress {
  readonly phase: Phase;
  readonly phaseIndex: number;
  readonly phases: number;
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly learningRate: number;
  readonly imagesPerSecond: number;
  /** Set on the progress report that ends an epoch. */
  readonly epochRecord?: EpochRecord;
}

export interface TrainOptions<A> {
  readonly space: ElasticSpace<A>;
  readonly data: FashionMnist;
  /** Checkpoint folder: resumed from when it holds a checkpoint, written every epoch. */
  readonly dir: string;
  /** Used for a fresh start; a resumed run keeps its checkpoint's config. */
  readonly config: TrainingConfig;
  readonly onProgress?: (p: TrainingProgress) => void;
  /** Polled every step; true saves a checkpoint and returns (a cancelled job, SIGTERM). */
  readonly shouldStop?: () => boolean;
  readonly progressEverySteps?: number;
  readonly checkpointEverySteps?: number;
}

export interface TrainingResult<A> {
  readonly net: ElasticSupernet<A>;
  readonly state: TrainingState;
  readonly stopped: boolean;
}

/** Integer seed for (run seed, phase, epoch, step): the same position always draws the same batch. */
const positionSeed = (seed: number, ...at: number[]): number =>
  at.reduce((h, v) => (Math.imul(h ^ (v + 0x9e3779b9), 0x85ebca6b) >>> 0) % 2147483647, seed >>> 0);

function epochOrder(count: number, config: TrainingConfig, phaseIndex: number, epoch: number): number[] {
  const order = Rng.fromSeed(positionSeed(config.seed, phaseIndex, epoch)).shuffle(
    Array.from({ length: count }, (_, i) => i),
  );
  return order.slice(0, Math.min(count, config.imagesPerEpoch ?? count));
}

/**
 * Progressive shrinking (OFA): each phase samples subnets per step from a wider part of the space and
 * trains them with label-smoothed cross-entropy plus distillation from the full network as it was at
 * the end of the `full` phase; SGD-Nesterov with a cosine schedule per phase; channels are re-sorted by
 * importance when the `expand` phase starts. Checkpoints every epoch (and every `checkpointEverySteps`)
 * and resumes from the folder's checkpoint at the exact step.
 */
export async function trainSupernet<A>(opts: TrainOptions<A>): Promise<TrainingResult<A>> {
  const { space, data, dir } = opts;
  const net = ElasticSupernet.create(space, opts.config.seed);
  let teacher: ElasticSupernet<A> | null = null;
  const sgd = new SgdNesterov(net.variables, opts.config.momentum, opts.config.weightDecay, decaysWeight);
  let state: TrainingState;
  if (hasCheckpoint(dir)) {
    const manifest = readManifest<TrainingState>(dir);
    if (manifest.spaceId !== space.id)
      throw new RangeError(`${dir} holds a ${manifest.spaceId} supernet, not ${space.id}`);
    state = manifest.state;
    loadInto(dir, WEIGHTS_FILE, manifest, net.variables);
    loadInto(dir, MOMENTUM_FILE, manifest, sgd.buffers);
    if (state.phaseIndex > 0 || state.config.phases[0].phase !== 'full') {
      teacher = ElasticSupernet.create(space, 0, false);
      loadInto(dir, TEACHER_FILE, manifest, teacher.variables);
    }
  } else {
    state = {
      config: validateTrainingConfig(opts.config),
      phaseIndex: 0,
      epoch: 0,
      step: 0,
      history: [],
      done: false,
      seconds: 0,
    };
  }
  const config = state.config;
  const save = (): void =>
    saveCheckpoint(dir, {
      spaceId: space.id,
      weights: net.variables,
      momentum: sgd.buffers,
      teacher: teacher?.variables,
      state,
    });
  const byTfName = new Map([...net.variables].map(([name, v]) => [v.name, name]));
  const students = net.trainableList();
  // A fixed arch (from-scratch baselines) replaces the largest subnet as what the full phase trains.
  const largest = config.arch
    ? space.parse(config.arch, 'arch')
    : archFromGenes(space, largestGenes(space.spec));
  const smallest = archFromGenes(space, smallestGenes(space.spec));
  let stopped = false;

  while (!state.done && !stopped) {
    const phase = config.phases[state.phaseIndex];
    if (state.epoch === 0 && state.step === 0) {
      sgd.reset();
      if (phase.phase === 'expand') reorderChannels(net);
    }
    const order = epochOrder(data.train.count, config, state.phaseIndex, state.epoch);
    const steps = Math.floor(order.length / config.batchSize);
    const started = Date.now();
    let lossSum = 0;
    let lossCount = 0;
    for (let step = state.step; step < steps; step++) {
      // Steps are synchronous tensor work: yield so signals, HTTP and job heartbeats get a turn.
      await new Promise((resolve) => setImmediate(resolve));
      if (opts.shouldStop?.()) {
        stopped = true;
        break;
      }
      const rng = Rng.fromSeed(positionSeed(config.seed, state.phaseIndex, state.epoch, step, 1));
      const at = state.epoch * steps + step;
      const lr = learningRateAt(
        phase.learningRate,
        at,
        phase.epochs * steps,
        state.phaseIndex === 0 ? config.warmupSteps : 0,
      );
      const batch = makeBatch(
        data.train,
        order.slice(step * config.batchSize, (step + 1) * config.batchSize),
        config.augmentation,
        rng,
      );
      const loss = trainStep(
        net,
        teacher,
        batch,
        phase.phase,
        phase.subnetsPerStep,
        config,
        rng,
        lr,
        sgd,
        students,
        byTfName,
        largest,
      );
      lossSum += loss;
      lossCount++;
      state = { ...state, step: step + 1 };
      const done = step + 1 === steps;
      if (!done && opts.progressEverySteps && (step + 1) % opts.progressEverySteps === 0) {
        opts.onProgress?.(
          progress(
            state,
            phase.phase,
            steps,
            loss,
            lr,
            (lossCount * config.batchSize) / ((Date.now() - started) / 1000),
          ),
        );
      }
      if (!done && opts.checkpointEverySteps && (step + 1) % opts.checkpointEverySteps === 0) save();
    }
    const seconds = (Date.now() - started) / 1000;
    state = { ...state, seconds: state.seconds + seconds };
    if (stopped) break;

    const largestAcc = cornerAccuracy(net, largest, data, config);
    const smallestAcc = cornerAccuracy(net, smallest, data, config);
    const record: EpochRecord = {
      phase: phase.phase,
      epoch: state.epoch,
      meanLoss: lossSum / Math.max(1, lossCount),
      largestAccuracy: largestAcc,
      smallestAccuracy: smallestAcc,
      images: order.length,
      seconds,
    };
    const lastOfPhase = state.epoch + 1 === phase.epochs;
    if (lastOfPhase && phase.phase === 'full') {
      teacher ??= ElasticSupernet.create(space, 0, false);
      teacher.copyFrom(net);
    }
    const nextPhase = lastOfPhase ? state.phaseIndex + 1 : state.phaseIndex;
    state = {
      ...state,
      history: [...state.history, record],
      phaseIndex: Math.min(nextPhase, config.phases.length - 1),
      epoch: lastOfPhase ? 0 : state.epoch + 1,
      step: 0,
      done: nextPhase === config.phases.length,
    };
    save();
    opts.onProgress?.({
      ...progress(state, phase.phase, steps, record.meanLoss, 0, order.length / seconds),
      epochRecord: record,
    });
  }
  if (stopped) save();
  teacher?.dispose();
  sgd.dispose();
  return { net, state, stopped };
}

function progress(
  s: TrainingState,
  phase: Phase,
  steps: number,
  loss: number,
  lr: number,
  ips: number,
): TrainingProgress {
  return {
    phase,
    phaseIndex: s.phaseIndex,
    phases: s.config.phases.length,
    epoch: s.epoch,
    epochs: s.config.phases[s.phaseIndex].epochs,
    step: s.step,
    steps,
    loss,
    learningRate: lr,
    imagesPerSecond: ips,
  };
}

function cornerAccuracy<A>(net: ElasticSupernet<A>, arch: A, data: FashionMnist, c: TrainingConfig): number {
  const stats = calibrateBatchNorm(net, arch, data.train, { images: c.calibrationImages, seed: c.seed });
  return evaluateSubnet(net, arch, stats, data.validation, { limit: c.validationImages }).accuracy;
}

/** One optimiser step over `subnets` sampled subnets; returns their mean loss. */
function trainStep<A>(
  net: ElasticSupernet<A>,
  teacher: ElasticSupernet<A> | null,
  batch: ReturnType<typeof makeBatch>,
  phase: Phase,
  subnets: number,
  c: TrainingConfig,
  rng: Rng,
  lr: number,
  sgd: SgdNesterov,
  students: tf.Variable[],
  byTfName: ReadonlyMap<string, string>,
  largest: A,
): number {
  const x = tf.tensor4d(batch.x, batch.shape);
  const target = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels, 'int32'), 10));
  const soft =
    teacher && c.kdRatio > 0
      ? tf.tidy(() => tf.softmax(teacher.forward(x, largest, { kind: 'batch' })))
      : null;
  const summed = new Map<string, tf.Tensor>();
  let lossTotal = 0;
  for (let k = 0; k < subnets; k++) {
    const arch =
      phase === 'full' ? largest : archFromGenes(net.space, samplePhaseGenes(net.space.spec, phase, rng));
    const { value, grads } = tf.variableGrads(() => {
      const logits = net.forward(x, arch, { kind: 'batch' });
      let loss = tf.losses.softmaxCrossEntropy(target, logits, undefined, c.labelSmoothing);
      if (soft)
        loss = tf.add(
          loss,
          tf.mul(c.kdRatio, tf.mean(tf.neg(tf.sum(tf.mul(soft, tf.logSoftmax(logits)), 1)))),
        );
      return loss as tf.Scalar;
    }, students);
    lossTotal += value.dataSync()[0];
    value.dispose();
    for (const [tfName, g] of Object.entries(grads)) {
      const name = byTfName.get(tfName)!;
      const prev = summed.get(name);
      summed.set(name, prev ? tf.add(prev, g) : g);
      if (prev) tf.dispose([prev, g]);
    }
  }
  sgd.step(summed, lr);
  tf.dispose([x, target, ...(soft ? [soft] : []), ...summed.values()]);
  return lossTotal / subnets;
}
