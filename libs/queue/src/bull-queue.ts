import Bull from 'bull';
import { TailorError } from '@tailor/common';
import { AddJobOptions, JobCounts, JobHandler, JobQueue, JobQueueHealth, ProcessOptions } from './job-queue';
import {
  ResolvedJobQueueOptions,
  checkAttempts,
  checkConcurrency,
  checkJobName,
  errorMessage,
  serializeJobData,
} from './options';

/** Finished jobs are kept a while for inspection, bounded so Redis does not grow forever. */
const KEEP_COMPLETED = { age: 24 * 3600, count: 1_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 5_000 };
/** Logging every ioredis reconnect error would flood the log while Redis is down. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Bull-backed queue: producers and workers share jobs through Redis. A worker that dies mid-job stops
 * renewing its lock; another worker's stalled check (every `stalledIntervalMs`) then moves the job back
 * to waiting, up to `maxStalledCount` times. Note that a handler blocking the event loop for longer
 * than `lockDurationMs` looks dead too, so long CPU-bound handlers must `await` regularly.
 *
 * Bull semantics worth knowing: a worker's total concurrency is the sum over its `process` calls and
 * any of its slots may take a job of any registered name, so every worker should register handlers
 * for every job name it can receive (a job with no handler in the worker that took it fails).
 */
export class BullJobQueue implements JobQueue {
  readonly mode = 'redis' as const;
  private readonly queue: Bull.Queue;
  private readonly handlerNames = new Set<string>();
  private closing?: Promise<void>;
  private lastErrorLogAt = 0;
  private suppressedErrors = 0;

  constructor(private readonly options: ResolvedJobQueueOptions & { redisUrl: string }) {
    this.queue = new Bull(options.queueName, options.redisUrl, {
      prefix: options.prefix,
      redis: {
        ...tlsFor(options.redisUrl),
        // Applies to the command client only: Bull forces null on its blocking/subscriber clients
        // (which must wait out outages). Queued commands fail after one reconnect attempt instead
        // of piling up; reconnects stay frequent so work resumes soon after Redis returns.
        maxRetriesPerRequest: 1,
        connectTimeout: Math.max(options.commandTimeoutMs, 1_000),
        retryStrategy: (times: number) => Math.min(times * 250, 2_000),
      },
      settings: {
        lockDuration: options.lockDurationMs,
        stalledInterval: options.stalledIntervalMs,
        maxStalledCount: options.maxStalledCount,
      },
      defaultJobOptions: { removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
    });
    this.queue.on('error', (err: Error) => this.logRedisError(err));
  }

  async add<T extends object>(name: string, data: T, opts: AddJobOptions = {}): Promise<void> {
    checkJobName(name);
    const attempts = checkAttempts(opts.attempts ?? this.options.defaultAttempts);
    if (this.closing) throw new TailorError('UNAVAILABLE', 'job queue is closed');
    const payload = serializeJobData(data);
    await this.withTimeout('adding a job', this.enqueue(name, payload, attempts, opts.jobId));
  }

  process<T>(name: string, handler: JobHandler<T>, opts: ProcessOptions = {}): void {
    checkJobName(name);
    const concurrency = checkConcurrency(opts.concurrency);
    if (this.options.role === 'producer') {
      // Lets app code register handlers unconditionally; in Redis mode workers run them instead.
      this.options.logger.log(`producer role: handler for "${name}" not started here, workers run it`);
      return;
    }
    if (this.closing) throw new TailorError('UNAVAILABLE', 'job queue is closed');
    if (this.handlerNames.has(name)) {
      throw new TailorError('CONFLICT', `a handler for job "${name}" is already registered`, 'name');
    }
    if (this.handlerNames.size === 0) this.listenAsWorker();
    this.handlerNames.add(name);
    // Resolves only when the queue closes; rejects only if Bull cannot start processing at all.
    this.queue
      .process(name, concurrency, (job: Bull.Job) =>
        handler({ id: String(job.id), data: job.data as T, attempt: job.attemptsMade + 1 }),
      )
      .catch((err: unknown) =>
        this.options.logger.error(`job "${name}" processing stopped: ${errorMessage(err)}`),
      );
  }

  async counts(): Promise<JobCounts> {
    const c = await this.withTimeout('counting jobs', this.queue.getJobCounts());
    // Delayed jobs are retries waiting out their backoff; paused ones wait for a resume.
    const paused = (c as Bull.JobCounts & { paused?: number }).paused ?? 0;
    return {
      waiting: c.waiting + c.delayed + paused,
      active: c.active,
      failed: c.failed,
      completed: c.completed,
    };
  }

  async health(): Promise<JobQueueHealth> {
    if (this.closing) return { status: 'down', mode: this.mode, detail: 'closed' };
    const client = this.queue.client;
    // While reconnecting a ping would only sit in the offline queue; answer at once.
    if (client.status === 'reconnecting' || client.status === 'end' || client.status === 'close') {
      return { status: 'down', mode: this.mode, detail: `redis connection ${client.status}` };
    }
    try {
      await withDeadline(client.ping(), this.options.healthTimeoutMs, 'redis ping');
      return { status: 'up', mode: this.mode };
    } catch (err) {
      return { status: 'down', mode: this.mode, detail: errorMessage(err) };
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async enqueue(name: string, data: unknown, attempts: number, jobId?: string): Promise<void> {
    if (jobId !== undefined) {
      const existing = await this.queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        // Waiting, delayed (retry backoff), paused or active: the job is still live, so dedupe.
        if (state !== 'completed' && state !== 'failed') return;
        // A finished job keeps its id until pruned; Bull would treat a new add as a duplicate and
        // never run it. Another producer may remove it first, hence the ignored error.
        await existing.remove().catch(() => undefined);
      }
    }
    await this.queue.add(name, data, {
      jobId,
      attempts,
      ...(this.options.backoffMs > 0
        ? { backoff: { type: 'exponential', delay: this.options.backoffMs } }
        : {}),
    });
  }

  private listenAsWorker(): void {
    const { logger } = this.options;
    this.queue.on('failed', (job: Bull.Job, err: Error) => {
      const attempts = job.opts.attempts ?? 1;
      const final = job.attemptsMade >= attempts;
      const text = `job ${job.name}#${job.id} attempt ${job.attemptsMade}/${attempts} failed: ${errorMessage(err)}`;
      if (final) logger.error(`${text} (giving up)`);
      else logger.warn(`${text} (will retry)`);
    });
    this.queue.on('stalled', (job: Bull.Job) =>
      logger.warn(`job ${job.name}#${job.id} stalled (worker died or blocked its event loop); re-queued`),
    );
    this.queue.on('lock-extension-failed', (job: Bull.Job, err: Error) =>
      logger.warn(`job ${job.name}#${job.id} lock renewal failed: ${errorMessage(err)}`),
    );
  }

  private async shutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.closeTimeoutMs);
    });
    // Bull's close pauses locally (no new jobs), waits for active handlers, then disconnects.
    const closed = this.queue.close().then(
      () => 'closed' as const,
      (err: unknown) => {
        this.options.logger.warn(`closing job queue: ${errorMessage(err)}`);
        return 'closed' as const;
      },
    );
    const outcome = await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    if (outcome === 'closed') return;
    this.options.logger.warn(
      `job queue close timed out after ${this.options.closeTimeoutMs} ms; dropping connections ` +
        '(unfinished jobs are picked up by other workers once their lock expires)',
    );
    // Bull would wait for the handlers indefinitely; its timers (lock renewal, stalled check) and
    // connections would then keep the process alive. Stop both so shutdown can complete.
    const internals = this.queue as unknown as {
      _clearTimers?: () => Promise<void>;
      disconnect(): Promise<void>;
    };
    await Promise.resolve(internals._clearTimers?.()).catch(() => undefined);
    await internals.disconnect().catch(() => undefined);
  }

  private async withTimeout<R>(what: string, work: Promise<R>): Promise<R> {
    try {
      return await withDeadline(work, this.options.commandTimeoutMs, what);
    } catch (err) {
      if (err instanceof TailorError) throw err;
      throw new TailorError('UNAVAILABLE', `job queue unavailable while ${what}: ${errorMessage(err)}`);
    }
  }

  private logRedisError(err: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLogAt < ERROR_LOG_INTERVAL_MS) {
      this.suppressedErrors++;
      return;
    }
    const more = this.suppressedErrors > 0 ? ` (+${this.suppressedErrors} similar since last report)` : '';
    this.lastErrorLogAt = now;
    this.suppressedErrors = 0;
    this.options.logger.error(`job queue redis error: ${err.message}${more}`);
  }
}

/** Bull's URL parser ignores the scheme, so `rediss://` would silently connect without TLS. */
function tlsFor(redisUrl: string): { tls?: object } {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    throw new TailorError('INVALID_ARGUMENT', 'must be a redis:// or rediss:// URL', 'redisUrl');
  }
  if (url.protocol === 'rediss:') return { tls: { servername: url.hostname } };
  if (url.protocol !== 'redis:') {
    throw new TailorError('INVALID_ARGUMENT', 'must be a redis:// or rediss:// URL', 'redisUrl');
  }
  return {};
}

function withDeadline<R>(work: Promise<R>, ms: number, what: string): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TailorError('UNAVAILABLE', `${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
