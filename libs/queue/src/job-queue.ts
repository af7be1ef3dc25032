/** What a handler sees: `attempt` starts at 1 and grows with each retry after a failure. */
export interface QueuedJob<T> {
  readonly id: string;
  readonly data: T;
  readonly attempt: number;
}

export type JobHandler<T> = (job: QueuedJob<T>) => Promise<void>;

export interface AddJobOptions {
  /** Dedupes: adding a job whose id is already waiting, retrying or active is a no-op. */
  jobId?: string;
  /** Total tries including the first one (default: the queue's `defaultAttempts`, 3). */
  attempts?: number;
}

export interface ProcessOptions {
  /** Handlers running at once for this job name in this process (default 1). */
  concurrency?: number;
}

export interface JobCounts {
  /** Includes jobs waiting for a retry after a failure. */
  waiting: number;
  active: number;
  failed: number;
  completed: number;
}

export interface JobQueueHealth {
  status: 'up' | 'down';
  mode: string;
  detail?: string;
}

export interface JobQueue {
  readonly mode: 'redis' | 'in-process';
  add<T extends object>(name: string, data: T, opts?: AddJobOptions): Promise<void>;
  process<T>(name: string, handler: JobHandler<T>, opts?: ProcessOptions): void;
  counts(): Promise<JobCounts>;
  health(): Promise<JobQueueHealth>;
  /** Stop taking jobs and wait (up to `closeTimeoutMs`) for active handlers to finish. Idempotent. */
  close(): Promise<void>;
}

/** Structurally satisfied by Nest's `Logger`, so the core stays framework-free. */
export interface JobQueueLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type JobQueueRole = 'producer' | 'worker' | 'both';

export interface JobQueueOptions {
  /** With a URL jobs go through Bull/Redis; without one they run in this process. */
  redisUrl?: string;
  /** Redis mode only: a 'producer' never runs handlers (`process` is then a logged no-op). */
  role: JobQueueRole;
  /** Redis key prefix (default 'tailor'). */
  prefix?: string;
  /** Bull queue name shared by producers and workers (default 'jobs'). */
  queueName?: string;
  /** How long a worker's lock on a job lives without renewal (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired, e.g. a killed worker's (default 30 s). */
  stalledIntervalMs?: number;
  /** Times a job may be recovered from a dead worker before it is failed (default 1). */
  maxStalledCount?: number;
  /** Default `attempts` for `add` (default 3). */
  defaultAttempts?: number;
  /** Retry backoff base: waits delay, 3×delay, 7×delay, … between attempts (default 1000 ms). */
  backoffMs?: number;
  /** Upper bound for `add`/`counts` against Redis before rejecting with UNAVAILABLE (default 5000 ms). */
  commandTimeoutMs?: number;
  /** Upper bound for the health ping (default 1000 ms). */
  healthTimeoutMs?: number;
  /** How long `close` waits for active handlers (default 30 s). */
  closeTimeoutMs?: number;
  logger?: JobQueueLogger;
}
