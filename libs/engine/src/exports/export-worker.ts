import { parentPort, workerData } from 'node:worker_threads';
import { type ExportBuildInput, buildExport } from './export-build';
import type { ExportThreadMessage } from './export-thread';

/**
 * Entry of the export thread (see export-thread.ts): builds and verifies one export, posting each
 * stage as it starts, then the result or the error. No database, no Nest.
 */
const port = parentPort!;
const post = (m: ExportThreadMessage): void => port.postMessage(m);

buildExport(workerData.input as ExportBuildInput, (stage) => post({ type: 'progress', progress: stage }))
  .then((result) => post({ type: 'done', result }))
  .catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
