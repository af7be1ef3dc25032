import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
export const API_MAIN = resolve(ROOT, 'dist/apps/api/apps/api/src/main.js');
export const WORKER_MAIN = resolve(ROOT, 'dist/apps/worker/apps/worker/src/main.js');

/** Child-process tests run the compiled apps, as users do; build them first when sources are newer. */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [resolve(ROOT, 'apps/api/scripts/ensure-built.js'), 'api', 'worker'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

export interface Child {
  readonly proc: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(script: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return {
    proc,
    output: () => out,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolvePromise, reject) => {
        const started = Date.now();
        const tick = () => {
          const m = out.match(pattern);
          if (m) return resolvePromise(m);
          if (proc.exitCode !== null)
            return reject(new Error(`process exited (${proc.exitCode}) before ${pattern}:\n${out}`));
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`timed out waiting for ${pattern}:\n${out}`));
          setTimeout(tick, 50);
        };
        tick();
      }),
    kill: (signal = 'SIGTERM') =>
      new Promise((resolvePromise) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolvePromise();
        proc.once('exit', () => resolvePromise());
        proc.kill(signal);
      }),
  };
}

/** Polls until `check` returns a value (not undefined). */
export async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
