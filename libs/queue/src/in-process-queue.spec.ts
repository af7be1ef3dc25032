import { TailorError } from '@tailor/common';
import { createJobQueue } from './create-job-queue';
import { JobQueue, JobQueueOptions } from './job-queue';

const until = async (check: () => boolean, ms = 2_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const gate = (): { promise: Promise<void>; open: () => void } => {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
};

describe('in-process JobQueue', () => {
  let queue: JobQueue;
  const make = (opts: Partial<JobQueueOptions> = {}): JobQueue =>
    (queue = createJobQueue({ role: 'both', backoffMs: 5, ...opts }));

  afterEach(async () => {
    await queue?.close();
  });

  it('is chosen without a redis URL and reports up', async () => {
    make({ redisUrl: '' });
    expect(queue.mode).toBe('in-process');
    await expect(queue.health()).resolves.toEqual({ status: 'up', mode: 'in-process' });
  });

  it('runs jobs of one name in order, one at a time by default, never inside add()', async () => {
    make();
    const seen: number[] = [];
    let running = 0;
    let maxRunning = 0;
    queue.process<{ n: number }>('search', async (job) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(job.data.n);
      running--;
    });
    for (let n = 0; n < 5; n++) await queue.add('search', { n });
    expect(seen).toEqual([]);
    await until(() => seen.length === 5);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(maxRunning).toBe(1);
    expect(await queue.counts()).toEqual({ waiting: 0, active: 0, failed: 0, completed: 5 });
  });

  it('honours concurrency per job name', async () => {
    make();
    const release = gate();
    let running = 0;
    queue.process(
      'search',
      async () => {
        running++;
        await release.promise;
      },
      { concurrency: 2 },
    );
    for (let n = 0; n < 3; n++) await queue.add('search', { n });
    await until(() => running === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(running).toBe(2);
    expect(await queue.counts()).toMatchObject({ waiting: 1, active: 2 });
    release.open();
    await until(() => running === 3);
  });

  it('retries a failing job with growing attempt numbers, then counts it failed', async () => {
    const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
    make({ logger });
    const attempts: number[] = [];
    queue.process('flaky', async (job) => {
      attempts.push(job.attempt);
      throw new Error('boom');
    });
    await queue.add('flaky', {}, { attempts: 3 });
    await until(() => attempts.length === 3);
    await until(() => logger.error.mock.calls.length === 1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(await queue.counts()).toEqual({ waiting: 0, active: 0, failed: 1, completed: 0 });
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.error.mock.calls[0][0]).toContain('boom');
  });

  it('succeeds on a retry and treats synchronous throws as failures', async () => {
    make();
    const attempts: number[] = [];
    queue.process('flaky', ((job: { attempt: number }) => {
      attempts.push(job.attempt);
      if (job.attempt === 1) throw new Error('sync boom');
      return Promise.resolve();
    }) as never);
    await queue.add('flaky', {});
    await until(() => attempts.length === 2);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(queue.counts()).resolves.toEqual({ waiting: 0, active: 0, failed: 0, completed: 1 });
  });

  it('dedupes by jobId while waiting or active, and accepts the id again once finished', async () => {
    make();
    const release = gate();
    const runs: string[] = [];
    let finished = 0;
    queue.process<{ v: number }>('search', async (job) => {
      runs.push(`${job.id}:${job.data.v}`);
      if (job.data.v === 1) await release.promise;
      finished++;
    });
    await queue.add('search', { v: 1 }, { jobId: 'a' });
    await queue.add('search', { v: 2 }, { jobId: 'a' }); // waiting: no-op
    await until(() => runs.length === 1);
    await queue.add('search', { v: 3 }, { jobId: 'a' }); // active: no-op
    release.open();
    await until(() => finished === 1);
    await new Promise((resolve) => setImmediate(resolve)); // let the queue record completion
    await queue.add('search', { v: 4 }, { jobId: 'a' });
    await until(() => runs.length === 2);
    expect(runs).toEqual(['a:1', 'a:4']);
  });

  it('keeps jobs added before a handler is registered', async () => {
    make();
    await queue.add('later', { n: 1 });
    await queue.add('later', { n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await queue.counts()).toMatchObject({ waiting: 2 });
    const seen: number[] = [];
    queue.process<{ n: number }>('later', async (job) => {
      seen.push(job.data.n);
    });
    await until(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
  });

  it('hands handlers a JSON copy of the data, as Redis would', async () => {
    make();
    const input = { when: new Date(0), nested: { list: [1] } };
    let received: unknown;
    queue.process('copy', async (job) => {
      received = job.data;
    });
    await queue.add('copy', input);
    input.nested.list.push(2);
    await until(() => received !== undefined);
    expect(received).toEqual({ when: '1970-01-01T00:00:00.000Z', nested: { list: [1] } });
  });

  it('close() waits for the active handler, drops unstarted jobs, then refuses new ones', async () => {
    make();
    const started = gate();
    let finished = false;
    queue.process('slow', async () => {
      started.open();
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished = true;
    });
    await queue.add('slow', {});
    await queue.add('slow', {});
    await started.promise;
    await queue.close();
    expect(finished).toBe(true);
    expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, completed: 1 });
    await expect(queue.add('slow', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(queue.health()).resolves.toMatchObject({ status: 'down' });
  });

  it('close() gives up waiting after closeTimeoutMs', async () => {
    const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
    make({ closeTimeoutMs: 20, logger });
    const never = gate();
    const started = gate();
    queue.process('stuck', () => {
      started.open();
      return never.promise;
    });
    await queue.add('stuck', {});
    await started.promise;
    const t0 = Date.now();
    await queue.close();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(logger.warn.mock.calls.at(-1)?.[0]).toContain('still running');
    never.open();
  });

  it('rejects bad input with TailorError', async () => {
    make();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(queue.add('*', {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'name' });
    await expect(queue.add('x', {}, { attempts: 0 })).rejects.toMatchObject({ field: 'opts.attempts' });
    await expect(queue.add('x', circular)).rejects.toMatchObject({ field: 'data' });
    expect(() => queue.process('x', async () => {}, { concurrency: 0 })).toThrow(TailorError);
    queue.process('x', async () => {});
    expect(() => queue.process('x', async () => {})).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => createJobQueue({ role: 'nope' as never })).toThrow(
      expect.objectContaining({ field: 'role' }),
    );
    expect(() => createJobQueue({ role: 'worker', lockDurationMs: 1.5 })).toThrow(
      expect.objectContaining({ field: 'lockDurationMs' }),
    );
  });
});
