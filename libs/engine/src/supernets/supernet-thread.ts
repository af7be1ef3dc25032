import type { EpochRecord, TrainingConfig, TrainingProgress } from '@tailor/nn';
import { startWorkerThread } from '../threads/worker-thread';

/** What the training thread needs; plain data, since it crosses into the thread by structured clone. */
export interface SupernetThreadInput {
  readonly searchSpacesDir: string;
  readonly spaceId: string;
  readonly fashionMnistDir: string;
  readonly checkpointDir: string;
  readonly config: TrainingConfig;
  readonly progressEverySteps: number;
  readonly checkpointEverySteps: number;
}

/** How a run ended: finished, or stopped on request with its checkpoint saved. */
export interface SupernetThreadResult {
  readonly stopped: boolean;
  readonly done: boolean;
  readonly history: readonly EpochRecord[];
  readonly seconds: number;
}

export type SupernetThreadMessage =
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'done'; result: SupernetThreadResult }
  | { type: 'error'; message: string };

export interface SupernetThread {
  readonly result: Promise<SupernetThreadResult>;
  /** Asks the run to stop after its current step; it saves a checkpoint, then `result` resolves. */
  stop(): void;
  /** Ends the thread at once (`result` then rejects); the last saved checkpoint is what remains. */
  terminate(): Promise<void>;
}

/**
 * Runs trainSupernet in a worker thread (see supernet-worker.ts): each step is seconds of synchronous
 * tensor work, which in the API's thread would stall every request meanwhile.
 */
export function trainSupernetInThread(
  input: SupernetThreadInput,
  onProgress: (p: TrainingProgress) => void,
): SupernetThread {
  const worker = startWorkerThread(__dirname, 'supernet-worker', input);
  const result = new Promise<SupernetThreadResult>((resolvePromise, reject) => {
    worker.on('message', (m: SupernetThreadMessage) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'done') resolvePromise(m.result);
      else reject(new Error(m.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`supernet training thread stopped (exit code ${code})`)));
  });
  // The thread keeps listening for `stop` after it has answered; end it either way.
  const ended = result.finally(() => worker.terminate()).catch(() => undefined);
  return {
    result,
    stop: () => worker.postMessage({ type: 'stop' }),
    terminate: async () => {
      await worker.terminate();
      await ended;
    },
  };
}
