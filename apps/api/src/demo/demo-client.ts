/* eslint-disable @typescript-eslint/no-explicit-any -- REST bodies, read field by field as a user's script would */
/** The few REST calls the demo makes, as a user's script would: bearer key, JSON in and out. */
export class DemoClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async get<T = any>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  async post<T = any>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  /** A download as bytes, with its ETag and suggested file name. */
  async download(path: string): Promise<{ bytes: Buffer; etag: string; fileName: string }> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, { headers: this.headers() });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const disposition = res.headers.get('content-disposition') ?? '';
    return {
      bytes: Buffer.from(await res.arrayBuffer()),
      etag: (res.headers.get('etag') ?? '').replace(/"/g, ''),
      fileName: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download',
    };
  }

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json' };
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: this.headers(),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `read` until `done` says so, calling `onChange` with each new progress line (printed once, not
 * every poll); gives up after `timeoutMs` naming what it waited for.
 */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  opts: { timeoutMs: number; describe?: (v: T) => string; onChange?: (line: string) => void },
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
    await sleep(500);
  }
}
