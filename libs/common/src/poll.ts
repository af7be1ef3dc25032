/* Polling, as a client of the API does it (the demo, the benchmarks): no timers to clean up, no state. */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `read` until `done` says so, calling `onChange` with each new progress line (printed once, not
 * every poll); gives up after `timeoutMs` naming what it waited for.
 */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  opts: {
    timeoutMs: number;
    intervalMs?: number;
    describe?: (v: T) => string;
    onChange?: (line: string) => void;
  },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  for (;;) {
    const v = await read();
    const line = opts.describe?.(v) ?? '';
    if (line && line !== last) opts.onChange?.(line);
    last = line;
    if (done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for ${what} after ${opts.timeoutMs / 1000} s`);
    await sleep(opts.intervalMs ?? 500);
  }
}
