import { TailorError } from '@tailor/common';
import { JobQueueLogger, JobQueueOptions, JobQueueRole } from './job-queue';

/* Internal helpers shared by both implementations; not exported from the package. */

/** Options after defaults; what the implementations work with. */
export interface ResolvedJobQueueOptions {
  redisUrl?: string;
  role: JobQueueRole;
  prefix: string;
  queueName: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  defaultAttempts: number;
  backoffMs: number;
  commandTimeoutMs: number;
  healthTimeoutMs: number;
  closeTimeoutMs: number;
  logger: JobQueueLogger;
}

const silentLogger: JobQueueLogger = { log: () => {}, warn: () => {}, error: () => {} };
const ROLES: readonly JobQueueRole[] = ['producer', 'worker', 'both'];

export function resolveJobQueueOptions(options: JobQueueOptions): ResolvedJobQueueOptions {
  if (!ROLES.includes(options.role)) {
    throw new TailorError('INVALID_ARGUMENT', `must be one of ${ROLES.join(', ')}`, 'role');
  }
  const queueName = options.queueName ?? 'jobs';
  const prefix = options.prefix ?? 'tailor';
  // Bull builds keys as `${prefix}:${queueName}:…`; an empty part would collide with other queues.
  if (!queueName || !prefix) {
    throw new TailorError('INVALID_ARGUMENT', 'must not be empty', queueName ? 'prefix' : 'queueName');
  }
  const num = (field: keyof JobQueueOptions, fallback: number, min: number): number => {
    const value = options[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new TailorError('INVALID_ARGUMENT', `must be an integer >= ${min}`, field);
    }
    return value;
  };
  return {
    redisUrl: options.redisUrl || undefined,
    role: options.role,
    prefix,
    queueName,
    lockDurationMs: num('lockDurationMs', 30_000, 100),
    stalledIntervalMs: num('stalledIntervalMs', 30_000, 100),
    maxStalledCount: num('maxStalledCount', 1, 1),
    defaultAttempts: num('defaultAttempts', 3, 1),
    backoffMs: num('backoffMs', 1_000, 0),
    commandTimeoutMs: num('commandTimeoutMs', 5_000, 1),
    healthTimeoutMs: num('healthTimeoutMs', 1_000, 1),
    closeTimeoutMs: num('closeTimeoutMs', 30_000, 0),
    logger: options.logger ?? silentLogger,
  };
}

/** Checks shared by both implementations so callers see the same errors in either mode. */
export function checkJobName(name: string): void {
  // '*' is Bull's catch-all handler name; allowing it would change dispatch for every job.
  if (typeof name !== 'string' || name.length === 0 || name === '*') {
    throw new TailorError('INVALID_ARGUMENT', 'must be a non-empty string other than "*"', 'name');
  }
}

export function checkAttempts(attempts: number): number {
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new TailorError('INVALID_ARGUMENT', 'must be an integer >= 1', 'opts.attempts');
  }
  return attempts;
}

export function checkConcurrency(concurrency: number | undefined): number {
  const value = concurrency ?? 1;
  if (!Number.isInteger(value) || value < 1) {
    throw new TailorError('INVALID_ARGUMENT', 'must be an integer >= 1', 'opts.concurrency');
  }
  return value;
}

/**
 * Round-trips data through JSON, as Redis storage does, so in-process handlers cannot come to rely on
 * shared references, Dates or class instances that the Redis mode would silently lose.
 */
export function serializeJobData<T>(data: T): T {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `must be JSON-serializable (${(err as Error).message})`,
      'data',
    );
  }
  if (text === undefined || data === null || typeof data !== 'object') {
    throw new TailorError('INVALID_ARGUMENT', 'must be a JSON object or array', 'data');
  }
  return JSON.parse(text) as T;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
