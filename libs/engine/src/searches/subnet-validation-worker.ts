import { parentPort, workerData } from 'node:worker_threads';
import { type SubnetValidationInput, validateSubnets } from './subnet-validation';

/** Entry of the validation thread (see subnet-validation.ts). No database, no Nest. */
const port = parentPort!;

validateSubnets(workerData.input as SubnetValidationInput, (done) =>
  port.postMessage({ type: 'progress', progress: done }),
)
  .then((result) => port.postMessage({ type: 'done', result }))
  .catch((err: unknown) =>
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
