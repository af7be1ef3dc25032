import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { JobQueue, JobQueueOptions, createJobQueue } from '@tailor/queue';

const REDIS_URL = process.env.REDIS_URL;
const describeRedis = REDIS_URL ? describe : describe.skip;
const title = REDIS_URL ? 'Bull JobQueue (Redis)' : 'Bull JobQueue (Redis) — SKIPPED: set REDIS_URL to run';

/** Unique per run so parallel runs and leftovers never meet; everything under it is deleted after. */
const PREFIX = `tailor-test-${process.pid}-${Date.now().toString(36)}`;
const silent = { log: () => {}, warn: () => {}, error: () => {} };

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describeRedis(title, () => {
  const open: JobQueue[] = [];
  let queueSeq = 0;
  let queueName: string;
  const make = (opts: Partial<JobQueueOptions>): JobQueue => {
    const queue = createJobQueue({
      redisUrl: REDIS_URL,
      role: 'both',
      prefix: PREFIX,
      queueName,
      backoffMs: 50,
      lockDurationMs: 2_000,
      stalledIntervalMs: 1_000,
      closeTimeoutMs: 5_000,
      logger: silent,
      ...opts,
    });
    open.push(queue);
    return queue;
  };

  beforeEach(() => {
    queueName = `q${++queueSeq}`;
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((queue) => queue.close()));
  });

  afterAll(async () => {
    const redis = new Redis(REDIS_URL!);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  });

  it('a producer enqueues, a separate worker runs the job; jobId dedupes live jobs only', async () => {
    const producer = make({ role: 'producer' });
    const producerRuns: string[] = [];
    producer.process('search', async (job) => void producerRuns.push(job.id)); // no-op for producers
    expect(producer.mode).toBe('redis');
    await expect(producer.health()).resolves.toEqual({ status: 'up', mode: 'redis' });

    await producer.add('search', { n: 1 }, { jobId: 'run-1' });
    await producer.add('search', { n: 2 }, { jobId: 'run-1' }); // still waiting: no-op
    expect(await producer.counts()).toMatchObject({ waiting: 1, active: 0 });

    const worker = make({ role: 'worker' });
    const runs: string[] = [];
    worker.process<{ n: number }>(
      'search',
      async (job) => void runs.push(`${job.id}:${job.data.n}:${job.attempt}`),
    );
    await until(async () => (await producer.counts()).completed === 1);
    expect(runs).toEqual(['run-1:1:1']);

    await producer.add('search', { n: 3 }, { jobId: 'run-1' }); // finished: accepted again
    await until(async () => (await producer.counts()).completed === 1 && runs.length === 2);
    expect(runs).toEqual(['run-1:1:1', 'run-1:3:1']);
    expect(producerRuns).toEqual([]);
  });

  it('retries a failed handler with backoff, and fails the job once attempts are used up', async () => {
    const queue = make({ role: 'both' });
    const attempts: Record<string, number[]> = { ok: [], bad: [] };
    queue.process<{ kind: 'ok' | 'bad' }>('flaky', async (job) => {
      attempts[job.data.kind].push(job.attempt);
      if (job.data.kind === 'bad' || job.attempt === 1) throw new Error(`attempt ${job.attempt} failed`);
    });
    await queue.add('flaky', { kind: 'ok' });
    await queue.add('flaky', { kind: 'bad' }, { attempts: 2 });
    await until(async () => {
      const counts = await queue.counts();
      return counts.completed === 1 && counts.failed === 1;
    });
    expect(attempts).toEqual({ ok: [1, 2], bad: [1, 2] });
  });

  it('close() waits for the active handler to finish', async () => {
    const worker = make({ role: 'worker' });
    let started = false;
    let finished = false;
    worker.process('slow', async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    await worker.add('slow', {});
    await until(() => started);
    await worker.close();
    expect(finished).toBe(true);
    const observer = make({ role: 'producer' });
    expect(await observer.counts()).toMatchObject({ active: 0, completed: 1 });
  });

  it('close() that times out drops the stuck job, which another worker then completes', async () => {
    const stuck = make({ role: 'worker', closeTimeoutMs: 300 });
    let release!: () => void;
    let started = false;
    stuck.process('search', () => {
      started = true;
      return new Promise<void>((resolve) => (release = resolve));
    });
    await stuck.add('search', {}, { jobId: 'stuck-1' });
    await until(() => started);
    const t0 = Date.now();
    await stuck.close();
    expect(Date.now() - t0).toBeLessThan(2_000);

    const rescuer = make({ role: 'worker' });
    const runs: string[] = [];
    rescuer.process('search', async (job) => void runs.push(job.id));
    await until(() => runs.length === 1, 15_000);
    expect(runs).toEqual(['stuck-1']);
    release(); // the abandoned handler finishing late must not disturb anything
  }, 30_000);

  it('a job whose worker is SIGKILLed mid-job is completed by another worker', async () => {
    const producer = make({ role: 'producer' });
    const fixture = join(__dirname, 'fixtures', 'crash-worker.js');
    const args = [REDIS_URL!, queueName, PREFIX, '2000', '1000', 'search'];
    const child: ChildProcess = fork(fixture, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const messages: Array<{ ready?: boolean; started?: string }> = [];
      child.on('message', (message) => messages.push(message as (typeof messages)[number]));
      await until(() => messages.some((m) => m.ready));
      await producer.add('search', { generations: 100 }, { jobId: 'crash-me' });
      await until(() => messages.some((m) => m.started === 'crash-me'));
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(await producer.counts()).toMatchObject({ active: 1, completed: 0 });

    const warnings: string[] = [];
    const rescuer = make({
      role: 'worker',
      logger: { ...silent, warn: (m: string) => void warnings.push(m) },
    });
    const runs: Array<{ id: string; attempt: number }> = [];
    rescuer.process('search', async (job) => void runs.push({ id: job.id, attempt: job.attempt }));
    await until(async () => (await producer.counts()).completed === 1, 15_000);
    // A stall is not a handler failure, so it does not use up an attempt.
    expect(runs).toEqual([{ id: 'crash-me', attempt: 1 }]);
    // Bull reports the stall after re-queueing, so the log line may trail the rerun.
    await until(() => warnings.some((w) => w.includes('crash-me') && w.includes('stalled')));
  }, 30_000);

  describe('with Redis unreachable', () => {
    const down = 'redis://127.0.0.1:1'; // nothing listens on port 1

    it('health() reports down and add() rejects with UNAVAILABLE within a few seconds', async () => {
      const queue = make({ redisUrl: down, role: 'producer', commandTimeoutMs: 2_000, healthTimeoutMs: 500 });
      let t0 = Date.now();
      await expect(queue.health()).resolves.toMatchObject({ status: 'down', mode: 'redis' });
      expect(Date.now() - t0).toBeLessThan(1_000);
      t0 = Date.now();
      await expect(queue.add('search', {})).rejects.toMatchObject({
        name: 'TailorError',
        code: 'UNAVAILABLE',
      });
      await expect(queue.counts()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      expect(Date.now() - t0).toBeLessThan(5_000);
    });

    it('a worker can still be closed promptly', async () => {
      const queue = make({ redisUrl: down, role: 'worker', closeTimeoutMs: 1_000 });
      queue.process('search', async () => {});
      await new Promise((resolve) => setTimeout(resolve, 200));
      const t0 = Date.now();
      await queue.close();
      expect(Date.now() - t0).toBeLessThan(3_000);
    });
  });
});
