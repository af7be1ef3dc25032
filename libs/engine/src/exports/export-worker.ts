import { answerInThread } from '../threads/worker-thread';
import { buildExport } from './export-build';

/**
 * Entry of the export thread (see export-thread.ts): builds and verifies one export, posting each
 * stage as it starts, then the result or the error. No database, no Nest.
 */
answerInThread(buildExport);
