import type { TrainedPredictor, TrainingProgress, TrainPredictorInput } from '@tailor/predictors';
import { runInThread, type ThreadRun } from '../threads/worker-thread';

export type TrainingThread = ThreadRun<TrainedPredictor>;

/**
 * Meta-training is seconds to minutes of synchronous tensor work that yields to the event loop only
 * every 50 steps, so run in the API process it would stall HTTP requests for seconds at a time. It
 * runs in a worker thread instead (see training-worker.ts).
 */
export function trainInThread(
  input: Omit<TrainPredictorInput, 'onProgress'>,
  onProgress: (p: TrainingProgress) => void,
): TrainingThread {
  return runInThread(__dirname, 'training-worker', input, onProgress);
}
