import { DEFAULT_TRAINING, type TrainingConfig, type TrainingProgress } from '@tailor/nn';
import { progressRecord } from './supernet-progress';

// 4 epochs in all: full 2, kernel 1, expand 1.
const config: TrainingConfig = {
  ...DEFAULT_TRAINING,
  phases: [
    { phase: 'full', epochs: 2, learningRate: 0.1, subnetsPerStep: 1 },
    { phase: 'kernel', epochs: 1, learningRate: 0.1, subnetsPerStep: 1 },
    { phase: 'expand', epochs: 1, learningRate: 0.1, subnetsPerStep: 2 },
  ],
};
const step = (phaseIndex: number, epoch: number, s: number): TrainingProgress => ({
  phase: config.phases[phaseIndex].phase,
  phaseIndex,
  phases: 3,
  epoch,
  epochs: config.phases[phaseIndex].epochs,
  step: s,
  steps: 10,
  loss: 1.5,
  learningRate: 0.05,
  imagesPerSecond: 20,
});

describe('progressRecord', () => {
  it('counts the share of all epochs done from the position mid-epoch', () => {
    expect(progressRecord(step(0, 0, 5), config, 0)).toMatchObject({
      phase: 'full',
      epoch: 0,
      percent: 12.5,
    });
    expect(progressRecord(step(1, 0, 5), config, 2)).toMatchObject({ phase: 'kernel', percent: 62.5 });
  });

  it('reports an epoch end as the epoch that ended, not the next position', () => {
    // trainSupernet has already moved on to kernel epoch 0 when it reports full epoch 1's end.
    const end: TrainingProgress = {
      ...step(1, 0, 0),
      phase: 'full',
      learningRate: 0,
      epochRecord: {
        phase: 'full',
        epoch: 1,
        meanLoss: 0.9,
        largestAccuracy: 0.8,
        smallestAccuracy: 0.7,
        images: 160,
        seconds: 8,
      },
    };
    expect(progressRecord(end, config, 2)).toMatchObject({
      phase: 'full',
      phaseIndex: 0,
      epoch: 1,
      epochs: 2,
      step: 10,
      steps: 10,
      loss: 0.9,
      percent: 50,
    });
  });
});
