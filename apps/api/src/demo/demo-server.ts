import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface DemoServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts `tailor serve --agents N` as a child process on a fresh data dir (embedded database, in-process
 * queue), exactly as a user would, logging its output to `logFile`, and resolves with its URL.
 */
export function startDemoServer(opts: {
  main: string;
  dataDir: string;
  agents: number;
  adminKey: string;
  logFile: string;
}): Promise<DemoServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [opts.main, 'serve', '--port', '0', '--data-dir', opts.dataDir, '--agents', String(opts.agents)],
    {
      // Built from nothing: a DATABASE_URL or REDIS_URL in the user's shell must not leak into a demo that
      // promises embedded defaults (and a throwaway data dir).
      env: { TZ: 'UTC', TAILOR_ADMIN_KEY: opts.adminKey, TAILOR_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(opts.logFile);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    log.end();
  };
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(seen);
      if (m) {
        seen = '';
        resolve({ url: m[1], stop });
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`tailor serve exited with code ${code} before listening; see ${opts.logFile}`)),
    );
  });
}
