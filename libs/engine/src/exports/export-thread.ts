import { runInThread, type ThreadRun } from '../threads/worker-thread';
import type { ExportBuildInput, ExportStage } from './export-build';
import type { ExportResult } from './export-result';

/** `terminate` ends the thread at once: an export has nothing worth saving midway. */
export type ExportThread = ThreadRun<ExportResult>;

/**
 * Runs buildExport in a worker thread (see export-worker.ts): recalibration and scoring are seconds
 * to minutes of synchronous tensor work, which in the API's thread would stall every request.
 */
export function buildExportInThread(
  input: ExportBuildInput,
  onStage: (stage: ExportStage) => void,
): ExportThread {
  return runInThread(__dirname, 'export-worker', input, onStage);
}
