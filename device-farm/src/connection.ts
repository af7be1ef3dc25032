import { AGENT_ROUTES } from '@tailor/farm';
import {
  Aborted,
  AgentHttp,
  backoffDelay,
  DEFAULT_BACKOFF,
  HttpError,
  ServerUnreachable,
  sleep,
  type BackoffOptions,
} from './http';
import type { Progress } from './progress';

/**
 * The agent's view of the server: requests that retry through outages, one "unreachable" log line
 * per outage and one "reconnected" when it ends, and revocation (401/403) turned into a halt.
 * Every request is tied to `signal`, so stopping the agent cancels waits and long polls at once.
 */
export class Connection {
  private outage = false;

  constructor(
    readonly http: AgentHttp,
    private readonly progress: Progress,
    readonly signal: AbortSignal,
    /** Called once credentials are refused; must abort `signal`. */
    private readonly onRefused: (message: string) => void,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  /**
   * POST with exponential backoff while the server is unreachable (or answers 5xx/408/429).
   * Resolves with the body, rejects with HttpError for other 4xx, or Aborted once the agent halts.
   */
  async call<T>(route: string, body: unknown, timeoutMs?: number): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(route, body, timeoutMs);
      } catch (e) {
        if (!(e instanceof ServerUnreachable)) throw e;
        const delay = backoffDelay(attempt, this.backoff);
        this.unreachable(e, delay);
        await sleep(delay, this.signal);
      }
    }
  }

  /** One attempt; the caller decides what an outage means (heartbeats simply wait for the next tick). */
  async once<T>(route: string, body: unknown, timeoutMs?: number): Promise<T> {
    try {
      const res = await this.http.post<T>(route, body, { timeoutMs, signal: this.signal });
      this.reachable();
      return res;
    } catch (e) {
      if (e instanceof HttpError) {
        this.reachable();
        if (e.unauthorized) {
          this.onRefused(this.refusal(route, e));
          throw new Aborted();
        }
      }
      throw e;
    }
  }

  unreachable(e: Error, retryInMs: number): void {
    if (this.outage || this.signal.aborted) return;
    this.outage = true;
    this.progress.error(`server unreachable (${e.message}), retrying in ${(retryInMs / 1000).toFixed(1)} s`);
  }

  private reachable(): void {
    if (!this.outage) return;
    this.outage = false;
    this.progress.log('reconnected');
  }

  private refusal(route: string, e: HttpError): string {
    const why = `HTTP ${e.status}${e.serverMessage ? `: ${e.serverMessage}` : ''}`;
    if (route === AGENT_ROUTES.register) {
      return `the server refused the enrollment token (${why}); ask an admin for a new --enroll-token`;
    }
    return (
      `the server no longer accepts this agent's secret (${why}): the agent was revoked or deleted. ` +
      'Enroll again with a fresh --state-dir and a new --enroll-token.'
    );
  }
}
