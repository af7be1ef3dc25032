import { trainPredictor, type TrainingProgress, type TrainPredictorInput } from '@tailor/predictors';
import { answerInThread } from '../threads/worker-thread';

/**
 * Entry of the training thread (see training-thread.ts): meta-trains on the corpus it was given and
 * posts progress, then the result or the error. Nothing here touches the database or Nest.
 */
answerInThread((input: Omit<TrainPredictorInput, 'onProgress'>, onProgress: (p: TrainingProgress) => void) =>
  trainPredictor({ ...input, onProgress }),
);
