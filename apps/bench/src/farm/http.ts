/**
 * The benchmark's HTTP client: Node's global fetch (undici, keep-alive pooled per origin), so 200
 * simulated agents cost 200 sockets and no extra processes. Calls return the status instead of
 * throwing, because the load test counts every status; `ok()` throws for callers that need success.
 */

export interface Reply<T> {
  readonly status: number;
  readonly body: T;
  /** Wall time of the request, headers to body, in ms. */
  readonly ms: number;
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} → HTTP ${status}: ${JSON.stringify(body).slice(0, 400)}`);
  }
}

/** Longest a request may take: above the 30 s long-poll cap, so only a stuck server trips it. */
const REQUEST_TIMEOUT_MS = 90_000;

export class Api {
  constructor(
    readonly base: string,
    private readonly bearer?: string,
  ) {}

  /** Same server, other credentials (an agent secret instead of the admin key). */
  as(bearer: string): Api {
    return new Api(this.base, bearer);
  }

  /** One request to `/api/v1/<path>`; throws only when no HTTP answer came (network, timeout). */
  async call<T = unknown>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<Reply<T>> {
    const started = performance.now();
    const res = await fetch(`${this.base}/api/v1/${path}`, {
      method,
      headers: {
        ...(this.bearer ? { authorization: `Bearer ${this.bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      // Not JSON (e.g. a proxy error page): keep the text for the error message.
    }
    return { status: res.status, body: parsed as T, ms: performance.now() - started };
  }

  /** Like call() but any status ≥ 300 is an error: for setup and reads, where failure means stop. */
  async ok<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const reply = await this.call<T>(method, path, body);
    if (reply.status >= 300) throw new HttpStatusError(reply.status, reply.body, `${method} ${path}`);
    return reply.body;
  }
}

/** The network error's code (ECONNRESET, UND_ERR_SOCKET, TimeoutError…) for the error table. */
export function networkErrorCode(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: { code?: string } }).cause;
    return cause?.code ?? e.name;
  }
  return 'unknown';
}
