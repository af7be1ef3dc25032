import { parentPort, workerData } from 'node:worker_threads';
import { TailorError } from '@tailor/common';
import { type ElasticSpace, SearchSpaceRegistry } from '@tailor/search-spaces';
import { registerWasmGradKernels, trainSupernet } from '@tailor/nn';
import { ensureTrainingBackend } from '@tailor/predictors';
import { loadThreadFashionMnist } from '../threads/thread-data';
import type { SupernetThreadInput, SupernetThreadMessage } from './supernet-thread';

/**
 * Entry of the supernet training thread (see supernet-thread.ts): trains into the checkpoint folder,
 * resuming from it when it holds a checkpoint, and posts progress, then the outcome or the error. A
 * `stop` message ends the run after the current step with a checkpoint. No database, no Nest.
 */
const port = parentPort!;
const input = workerData.input as SupernetThreadInput;
let stop = false;
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') stop = true;
});
const post = (m: SupernetThreadMessage): void => port.postMessage(m);

async function run(): Promise<void> {
  const space = SearchSpaceRegistry.load(input.searchSpacesDir).get(input.spaceId) as ElasticSpace<unknown>;
  if (!('spec' in space)) throw new TailorError('INVALID_ARGUMENT', `${input.spaceId} is not elastic`);
  await ensureTrainingBackend();
  registerWasmGradKernels();
  const data = loadThreadFashionMnist(input.fashionMnistDir);
  const { net, state, stopped } = await trainSupernet({
    space,
    data,
    dir: input.checkpointDir,
    config: input.config,
    onProgress: (progress) => post({ type: 'progress', progress }),
    shouldStop: () => stop,
    progressEverySteps: input.progressEverySteps,
    checkpointEverySteps: input.checkpointEverySteps,
  });
  net.dispose();
  post({
    type: 'done',
    result: { stopped, done: state.done, history: state.history, seconds: state.seconds },
  });
}

run().catch((err: unknown) =>
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
);
