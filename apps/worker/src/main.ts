import 'reflect-metadata';
import { loadConfig } from '@tailor/config';
import { startWorker } from '@tailor/engine';

/** Stand-alone worker entry (same as `tailor worker`). */
startWorker(loadConfig()).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
