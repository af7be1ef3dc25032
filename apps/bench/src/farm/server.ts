/**
 * Runs the built API (`dist/…/main.js serve`) as a child process, exactly as an operator would, so the
 * benchmark measures the real server and never shares its event loop or CPU accounting with it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { defaultSearchSpacesDir } from '@tailor/search-spaces';
import { Api } from './http';
import { log } from './util';

export const REPO_ROOT = path.dirname(defaultSearchSpacesDir());
/** The `tailor` CLI: serves the API and, with `agent`, runs a device-farm agent. */
export const TAILOR_MAIN = path.join(REPO_ROOT, 'dist/apps/api/apps/api/src/main.js');

export interface RunningApi {
  readonly url: string;
  /** Authenticated with the admin key the server was started with. */
  readonly admin: Api;
  readonly logFile: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The environment for children, built from nothing rather than copied from ours: a developer's shell often
 * exports DATABASE_URL or REDIS_URL, and a benchmark must never write into a real database by accident.
 * The CLI needs no PATH or HOME (it is started with our own node binary and keeps state in --data-dir).
 */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  return { TZ: 'UTC', TAILOR_LOG_LEVEL: 'warn', ...extra };
}

/** Waits for `exit`, sending SIGKILL after `graceMs` (a hung shutdown must not hang the benchmark). */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits first. */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => done(new Error(`${what}: no "${pattern.source}" within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const m = pattern.exec(buffer);
      if (m) done(undefined, m);
      else if (buffer.length > 65_536) buffer = buffer.slice(-4096);
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`${what} exited (${signal ?? code}) before it was ready`));
    const done = (err?: Error, value?: RegExpExecArray) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts `tailor serve --port 0` with `env` (plus a fresh admin key) and waits until it listens. */
export async function startApi(
  workDir: string,
  env: Record<string, string>,
  extraArgs: readonly string[] = [],
): Promise<RunningApi> {
  if (!fs.existsSync(TAILOR_MAIN)) throw new Error(`${TAILOR_MAIN} is missing: run npm run build first`);
  const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;
  const dataDir = path.join(workDir, 'api-data');
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(workDir, 'api.log');
  const logStream = fs.createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [TAILOR_MAIN, 'serve', '--port', '0', '--data-dir', dataDir, ...extraArgs],
    {
      cwd: REPO_ROOT,
      env: childEnv({ ...env, TAILOR_ADMIN_KEY: adminKey }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.pipe(logStream, { end: false });
  child.stderr.pipe(logStream, { end: false });
  let url: string;
  try {
    [, url] = await waitForLine(child, /Tailor listening on (http:\/\/\S+)/, 120_000, 'API server');
  } catch (e) {
    await stopChild(child, 5000);
    throw new Error(`${(e as Error).message}; see ${logFile}`, { cause: e });
  }
  log(`API listening on ${url} (pid ${child.pid}, log ${logFile})`);
  return {
    url,
    admin: new Api(url, adminKey),
    logFile,
    process: child,
    async stop() {
      await stopChild(child, 15_000);
      logStream.end();
      // The embedded database (~40 MB) is throwaway; the logs stay next to it as evidence.
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The benchmark machine's PostgreSQL (trust auth); each run creates and drops its own database there. */
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh database for one run (migrations start from nothing), dropped afterwards. */
export async function createDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `tailor_bench_${process.pid}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        // FORCE: a pool the server left open must not keep the benchmark's database alive.
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
