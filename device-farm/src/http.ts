/**
 * The agent's HTTP layer: one POST helper that sorts every failure into "try again later"
 * (ServerUnreachable) or "the server said no" (HttpError), plus the backoff both loops share.
 */

/** The server answered with a status the agent must act on (4xx other than 408/429). */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly route: string,
    readonly serverMessage: string,
  ) {
    super(`${route}: HTTP ${status}${serverMessage ? ` (${serverMessage})` : ''}`);
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** Connection refused/reset, DNS, timeout, 5xx, 408, 429: the request may succeed later. */
export class ServerUnreachable extends Error {
  override name = 'ServerUnreachable';
}

/** The caller's signal fired (agent stopping): not a server problem, do not retry. */
export class Aborted extends Error {
  override name = 'Aborted';
  constructor() {
    super('aborted');
  }
}

export type FetchFn = typeof fetch;

export interface PostOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function messageOf(body: unknown, text: string): string {
  if (body && typeof body === 'object' && 'message' in body) {
    const m = (body as { message: unknown }).message;
    return Array.isArray(m) ? m.join('; ') : String(m);
  }
  return text.slice(0, 200);
}

export class AgentHttp {
  constructor(
    /** Base URL without trailing slash. */
    readonly server: string,
    private secret?: string,
    private readonly fetchFn: FetchFn = fetch,
  ) {}

  setSecret(secret: string): void {
    this.secret = secret;
  }

  url(route: string): string {
    return `${this.server}/api/v1/${route}`;
  }

  async post<T>(route: string, body: unknown, opts: PostOptions = {}): Promise<T> {
    if (opts.signal?.aborted) throw new Aborted();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const onAbort = () => timeout.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.secret) headers.authorization = `Bearer ${this.secret}`;
      const res = await this.fetchFn(this.url(route), {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: timeout.signal,
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (res.status >= 500 || res.status === 408 || res.status === 429) {
        throw new ServerUnreachable(
          `HTTP ${res.status} from ${route}${text ? `: ${messageOf(parsed, text)}` : ''}`,
        );
      }
      if (res.status >= 400) throw new HttpError(res.status, route, messageOf(parsed, text));
      return parsed as T;
    } catch (e) {
      if (e instanceof HttpError || e instanceof ServerUnreachable) throw e;
      if (opts.signal?.aborted) throw new Aborted();
      if (timeout.signal.aborted)
        throw new ServerUnreachable(`${route}: no answer within ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
      // fetch wraps socket errors (ECONNREFUSED, ECONNRESET, ENOTFOUND) in a TypeError with a cause.
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerUnreachable(cause?.code ?? cause?.message ?? (e as Error).message);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}

export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 10_000 };

/**
 * Delay before retry number `attempt` (0-based): exponential, capped, with jitter in [50%, 100%]
 * so a farm of agents does not hammer a restarting server in lockstep.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

/** Resolves after `ms`, or rejects with Aborted as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Aborted());
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
