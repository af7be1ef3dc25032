import { parentPort, workerData } from 'node:worker_threads';
import { trainPredictor, type TrainPredictorInput } from '@tailor/predictors';

/**
 * Entry of the training thread (see training-thread.ts): meta-trains on the corpus it was given and
 * posts progress, then the result or the error. Nothing here touches the database or Nest.
 */
const port = parentPort!;
const input = workerData.input as Omit<TrainPredictorInput, 'onProgress'>;

trainPredictor({ ...input, onProgress: (progress) => port.postMessage({ type: 'progress', progress }) })
  .then((result) => port.postMessage({ type: 'done', result }))
  .catch((err: unknown) =>
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
