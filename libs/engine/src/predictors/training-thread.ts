import type { TrainedPredictor, TrainingProgress, TrainPredictorInput } from '@tailor/predictors';
import { startWorkerThread } from '../threads/worker-thread';

type Message =
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'done'; result: TrainedPredictor }
  | { type: 'error'; message: string };

export interface TrainingThread {
  readonly result: Promise<TrainedPredictor>;
  /** Stops the thread; `result` then rejects. */
  terminate(): Promise<void>;
}

/**
 * Meta-training is seconds to minutes of synchronous tensor work that yields to the event loop only
 * every 50 steps, so run in the API process it would stall HTTP requests for seconds at a time. It
 * runs in a worker thread instead (see startWorkerThread).
 */
export function trainInThread(
  input: Omit<TrainPredictorInput, 'onProgress'>,
  onProgress: (p: TrainingProgress) => void,
): TrainingThread {
  const worker = startWorkerThread(__dirname, 'training-worker', input);
  const result = new Promise<TrainedPredictor>((resolvePromise, reject) => {
    worker.on('message', (m: Message) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'done') resolvePromise(m.result);
      else reject(new Error(m.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`training thread stopped (exit code ${code})`)));
  });
  // The thread idles once it has answered; end it either way.
  const ended = result.finally(() => worker.terminate()).catch(() => undefined);
  return {
    result,
    terminate: async () => {
      await worker.terminate();
      await ended;
    },
  };
}
