import { BullJobQueue } from './bull-queue';
import { InProcessJobQueue } from './in-process-queue';
import { JobQueue, JobQueueOptions } from './job-queue';
import { resolveJobQueueOptions } from './options';

/**
 * Picks the implementation: Bull when a Redis URL is given (the API produces, `apps/worker`
 * processes consume), otherwise the same handlers run inside this process.
 */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  const resolved = resolveJobQueueOptions(options);
  const { redisUrl } = resolved;
  return redisUrl ? new BullJobQueue({ ...resolved, redisUrl }) : new InProcessJobQueue(resolved);
}
