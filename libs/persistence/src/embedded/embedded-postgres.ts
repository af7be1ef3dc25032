import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TailorError } from '@tailor/common';
import { DataDirLock } from './data-dir-lock';
import { PGLITE_WORKER_SOURCE } from './pglite-worker-source';

export interface EmbeddedPostgresOptions {
  /** Tailor's data directory; the database lives in `<dataDir>/pgdata`. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** How long `close()` waits for PGlite to flush before terminating its thread. */
  closeTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** postgres://postgres@host:port/postgres — use it with pool size 1 (`embedded: true`). */
  url: string;
  /** Stops the server, closes the database (flushing it) and releases the directory lock. Idempotent. */
  close(): Promise<void>;
}

type WorkerMessage =
  { type: 'ready'; port: number } | { type: 'closed' } | { type: 'error'; message: string };

/**
 * Runs PGlite (Postgres compiled to WASM) in a worker thread behind a loopback Postgres wire-protocol
 * server, so the app talks to it with the ordinary `pg` driver and the same SQL and migrations as a
 * real server. It serves one connection at a time.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true });
  const lock = DataDirLock.acquire(join(options.dataDir, 'pgdata.lock'));
  const worker = new Worker(PGLITE_WORKER_SOURCE, {
    eval: true,
    workerData: {
      // Resolved here so the worker finds the packages whatever the process's working directory.
      pglitePath: require.resolve('@electric-sql/pglite'),
      socketPath: require.resolve('@electric-sql/pglite-socket'),
      pgdata: join(options.dataDir, 'pgdata'),
      host,
      port: options.port ?? 0,
    },
  });
  let port: number;
  try {
    port = await nextMessage(worker, 'ready').then((m) => (m as { port: number }).port);
  } catch (error) {
    await worker.terminate();
    lock.release();
    throw new TailorError(
      'UNAVAILABLE',
      `cannot start the embedded database in ${options.dataDir}: ${(error as Error).message}`,
      'dataDir',
    );
  }
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    try {
      const closed = nextMessage(worker, 'closed');
      worker.postMessage({ type: 'close' });
      await withTimeout(closed, options.closeTimeoutMs ?? 10_000);
    } finally {
      await worker.terminate();
      lock.release();
    }
  };
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    close: () => (closing ??= close()),
  };
}

function nextMessage(worker: Worker, expected: WorkerMessage['type']): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: WorkerMessage): void => {
      cleanup();
      if (message.type === expected) resolve(message);
      else reject(new Error(message.type === 'error' ? message.message : `unexpected ${message.type}`));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`the database thread exited with code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
