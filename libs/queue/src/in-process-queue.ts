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

interface PendingJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly attempts: number;
  attempt: number;
}

interface Lane {
  handler?: JobHandler<unknown>;
  concurrency: number;
  readonly pending: PendingJob[];
  active: number;
}

/**
 * Runs jobs in this process when there is no Redis. Nothing survives a restart, so this is for
 * single-process deployments and development; semantics otherwise mirror the Bull implementation
 * (FIFO per job name, retries with exponential backoff, jobId dedupe while waiting/retrying/active).
 */
export class InProcessJobQueue implements JobQueue {
  readonly mode = 'in-process' as const;
  private readonly lanes = new Map<string, Lane>();
  /** Ids waiting, retrying or active: the dedupe set. */
  private readonly liveIds = new Set<string>();
  private readonly retryTimers = new Map<NodeJS.Timeout, PendingJob>();
  private readonly running = new Set<Promise<void>>();
  private completed = 0;
  private failed = 0;
  private nextId = 1;
  private closing?: Promise<void>;

  constructor(private readonly options: ResolvedJobQueueOptions) {}

  async add<T extends object>(name: string, data: T, opts: AddJobOptions = {}): Promise<void> {
    checkJobName(name);
    const attempts = checkAttempts(opts.attempts ?? this.options.defaultAttempts);
    if (this.closing) throw new TailorError('UNAVAILABLE', 'job queue is closed');
    const payload = serializeJobData(data);
    const id = opts.jobId ?? `${this.nextId++}`;
    if (this.liveIds.has(id)) return;
    this.liveIds.add(id);
    this.lane(name).pending.push({ id, name, data: payload, attempts, attempt: 1 });
    // Handlers always run on a later turn, never inside the caller's `await add(...)`.
    setImmediate(() => this.pump(name));
  }

  process<T>(name: string, handler: JobHandler<T>, opts: ProcessOptions = {}): void {
    checkJobName(name);
    const concurrency = checkConcurrency(opts.concurrency);
    const lane = this.lane(name);
    if (lane.handler)
      throw new TailorError('CONFLICT', `a handler for job "${name}" is already registered`, 'name');
    lane.handler = handler as JobHandler<unknown>;
    lane.concurrency = concurrency;
    // Jobs added before the handler existed have been waiting for it.
    setImmediate(() => this.pump(name));
  }

  async counts(): Promise<JobCounts> {
    let waiting = this.retryTimers.size;
    let active = 0;
    for (const lane of this.lanes.values()) {
      waiting += lane.pending.length;
      active += lane.active;
    }
    return { waiting, active, failed: this.failed, completed: this.completed };
  }

  async health(): Promise<JobQueueHealth> {
    return this.closing
      ? { status: 'down', mode: this.mode, detail: 'closed' }
      : { status: 'up', mode: this.mode };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    let dropped = this.retryTimers.size;
    for (const timer of this.retryTimers.keys()) clearTimeout(timer);
    this.retryTimers.clear();
    for (const lane of this.lanes.values()) {
      dropped += lane.pending.length;
      lane.pending.length = 0;
    }
    if (dropped > 0) this.options.logger.warn(`job queue closed with ${dropped} unstarted job(s) dropped`);
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.options.closeTimeoutMs);
    });
    const finished = Promise.all([...this.running]).then(() => false);
    if (await Promise.race([finished, timedOut])) {
      this.options.logger.warn(`job queue closed with ${this.running.size} handler(s) still running`);
    }
    clearTimeout(timer);
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { concurrency: 1, pending: [], active: 0 };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private pump(name: string): void {
    const lane = this.lanes.get(name);
    if (!lane?.handler || this.closing) return;
    while (lane.active < lane.concurrency && lane.pending.length > 0) {
      const job = lane.pending.shift()!;
      lane.active++;
      const run = this.run(lane.handler, job).finally(() => {
        lane.active--;
        this.running.delete(run);
        this.pump(name);
      });
      this.running.add(run);
    }
  }

  private async run(handler: JobHandler<unknown>, job: PendingJob): Promise<void> {
    try {
      // Promise.resolve().then guards against handlers that throw synchronously.
      await Promise.resolve().then(() => handler({ id: job.id, data: job.data, attempt: job.attempt }));
      this.completed++;
      this.liveIds.delete(job.id);
    } catch (err) {
      if (job.attempt < job.attempts && !this.closing) {
        this.scheduleRetry(job, err);
        return;
      }
      this.failed++;
      this.liveIds.delete(job.id);
      this.options.logger.error(
        `job ${job.name}#${job.id} failed after ${job.attempt} attempt(s): ${errorMessage(err)}`,
      );
    }
  }

  private scheduleRetry(job: PendingJob, err: unknown): void {
    // Same curve as Bull's 'exponential' backoff: delay, 3×delay, 7×delay, …
    const delay = this.options.backoffMs * (2 ** job.attempt - 1);
    this.options.logger.warn(
      `job ${job.name}#${job.id} attempt ${job.attempt}/${job.attempts} failed, retrying in ${delay} ms: ${errorMessage(err)}`,
    );
    job.attempt++;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      // A retry joins the back of the line, as Bull moves retried jobs from delayed to the wait list.
      this.lane(job.name).pending.push(job);
      this.pump(job.name);
    }, delay);
    this.retryTimers.set(timer, job);
  }
}
