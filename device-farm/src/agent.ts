import {
  AGENT_ROUTES,
  type ExtendResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type LeasedTask,
  type LeaseResponse,
  type RegisterRequest,
  type RegisterResponse,
} from '@tailor/farm';
import { Connection } from './connection';
import { errorText, type TaskExecutor, type TaskOutcome } from './executor';
import { Aborted, AgentHttp, HttpError, ServerUnreachable, type BackoffOptions, type FetchFn } from './http';
import type { Progress } from './progress';
import { saveState, type AgentState } from './state';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_REVOKED = 3;

export interface AgentOptions {
  readonly server: string;
  readonly stateDir: string;
  readonly executor: TaskExecutor;
  /** Everything of the register body but the token; used only when `state` is absent. */
  readonly registration: Omit<RegisterRequest, 'enrollmentToken'>;
  readonly enrollToken?: string;
  /** A stored identity already checked against this configuration (restart). */
  readonly state?: AgentState;
  readonly progress: Progress;
  readonly fetch?: FetchFn;
  readonly backoff?: BackoffOptions;
  /** Long-poll wait per lease request (protocol default 25). */
  readonly leaseWaitSec?: number;
}

interface Held {
  readonly task: LeasedTask;
  /** Aborted when the agent halts or the lease is lost: the measurement is abandoned. */
  readonly abort: AbortController;
  /** Set once measured, so a shutdown still delivers a finished result instead of discarding it. */
  outcome?: TaskOutcome;
}

/**
 * One agent serving one device: identify (register or reuse the state dir), then heartbeat on its own
 * timer while leasing and measuring one task at a time. `run()` resolves with the exit code; `stop()`
 * gives held tasks back and makes `run()` resolve with 0.
 */
export class Agent {
  private readonly halt = new AbortController();
  private readonly conn: Connection;
  private readonly held = new Map<string, Held>();
  private exitCode: number | undefined;
  private refusal: string | undefined;
  private state: AgentState | undefined;
  private heartbeatSec = 30;
  private leaseTtlSec = 60;
  private measuring = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly opts: AgentOptions) {
    const http = new AgentHttp(opts.server, opts.state?.secret, opts.fetch);
    this.conn = new Connection(
      http,
      opts.progress,
      this.halt.signal,
      (msg) => this.stopWith(EXIT_REVOKED, msg),
      opts.backoff,
    );
    this.state = opts.state;
  }

  get agentId(): string | undefined {
    return this.state?.agentId;
  }

  run(): Promise<number> {
    this.running ??= this.main();
    return this.running;
  }

  /** Stops leasing, abandons the measurement in progress, gives held tasks back; resolves with the exit code. */
  stop(): Promise<number> {
    this.stopWith(EXIT_OK);
    return this.running ?? Promise.resolve(this.exitCode ?? EXIT_OK);
  }

  private stopWith(code: number, refusal?: string): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    this.refusal = refusal;
    clearTimeout(this.heartbeatTimer);
    for (const h of this.held.values()) h.abort.abort();
    this.halt.abort();
  }

  private async main(): Promise<number> {
    const { progress } = this.opts;
    try {
      await this.identify();
      this.scheduleHeartbeat();
      while (this.exitCode === undefined) await this.leaseAndWork();
    } catch (e) {
      if (!(e instanceof Aborted) || this.exitCode === undefined) {
        progress.error(`agent stopped: ${errorText(e)}`);
        this.stopWith(EXIT_ERROR);
      }
    }
    clearTimeout(this.heartbeatTimer);
    if (this.exitCode === EXIT_REVOKED) {
      progress.error(`agent ${this.state?.agentId ?? '(unregistered)'}: ${this.refusal}`);
    } else {
      await this.giveBack();
    }
    progress.finish();
    return this.exitCode ?? EXIT_OK;
  }

  private async identify(): Promise<void> {
    const o = this.opts;
    if (this.state) {
      // The first heartbeat proves the stored secret still works before any task is leased.
      const hb = await this.conn.call<HeartbeatResponse>(AGENT_ROUTES.heartbeat, {
        state: 'idle',
        taskIds: [],
      });
      this.heartbeatSec = hb.heartbeatIntervalSec || this.state.heartbeatIntervalSec;
      this.leaseTtlSec = this.state.leaseTtlSec;
      if (hb.deviceId && hb.deviceId !== this.state.deviceId)
        this.state = { ...this.state, deviceId: hb.deviceId };
    } else {
      const body: RegisterRequest = { enrollmentToken: o.enrollToken ?? '', ...o.registration };
      const res = await this.conn.call<RegisterResponse>(AGENT_ROUTES.register, body);
      this.state = {
        server: o.server,
        agentId: res.agentId,
        secret: res.secret,
        deviceId: res.deviceId,
        name: o.registration.name,
        runtime: o.registration.runtime,
        fingerprint: o.registration.fingerprint,
        ...(o.registration.replay ? { replay: o.registration.replay } : {}),
        heartbeatIntervalSec: res.heartbeatIntervalSec,
        leaseTtlSec: res.leaseTtlSec,
        createdAt: new Date().toISOString(),
      };
      saveState(o.stateDir, this.state);
      this.conn.http.setSecret(res.secret);
      this.heartbeatSec = res.heartbeatIntervalSec;
      this.leaseTtlSec = res.leaseTtlSec;
      o.progress.log(`registered as agent ${res.agentId}; identity saved in ${o.stateDir}`);
    }
    o.progress.setDevice(this.state.deviceId);
    o.progress.log(`agent ${this.state.agentId} serving device ${this.state.deviceId}`);
  }

  /** Heartbeats run on their own timer so a long measurement never makes the agent look dead. */
  private scheduleHeartbeat(): void {
    if (this.exitCode !== undefined) return;
    this.heartbeatTimer = setTimeout(() => void this.beat(), Math.max(0.05, this.heartbeatSec) * 1000);
  }

  private async beat(): Promise<void> {
    const body: HeartbeatRequest = {
      state: this.measuring ? 'measuring' : 'idle',
      taskIds: [...this.held.keys()],
    };
    try {
      const res = await this.conn.once<HeartbeatResponse>(AGENT_ROUTES.heartbeat, body, 10_000);
      if (res?.heartbeatIntervalSec > 0) this.heartbeatSec = res.heartbeatIntervalSec;
    } catch (e) {
      if (e instanceof ServerUnreachable) this.conn.unreachable(e, this.heartbeatSec * 1000);
      else if (!(e instanceof Aborted)) this.opts.progress.error(`heartbeat failed: ${errorText(e)}`);
    }
    this.scheduleHeartbeat();
  }

  private async leaseAndWork(): Promise<void> {
    const waitSec = this.opts.leaseWaitSec ?? 25;
    const res = await this.conn.call<LeaseResponse>(
      AGENT_ROUTES.lease,
      { max: 1, waitSec },
      (waitSec + 15) * 1000,
    );
    if (res.leaseTtlSec > 0) this.leaseTtlSec = res.leaseTtlSec;
    for (const task of res.tasks ?? []) this.held.set(task.id, { task, abort: new AbortController() });
    // Tasks leased while stopping stay held and are given back by giveBack().
    for (const task of res.tasks ?? []) if (this.exitCode === undefined) await this.work(task);
  }

  private async work(task: LeasedTask): Promise<void> {
    const held = this.held.get(task.id);
    if (!held) return;
    const started = Date.now();
    const extender = setInterval(() => void this.extend(), (this.leaseTtlSec * 1000) / 3);
    this.measuring = true;
    this.opts.progress.started(task.searchSpace, task.arch);
    try {
      try {
        held.outcome = await this.opts.executor.execute(task, held.abort.signal);
      } catch (e) {
        if (e instanceof Aborted) return; // halted (giveBack releases it) or lease lost (already dropped)
        held.outcome = {
          kind: 'failure',
          failure: { reason: `agent error: ${errorText(e)}`, retryable: true },
        };
      }
      this.measuring = false;
      await this.report(held, (Date.now() - started) / 1000);
    } finally {
      clearInterval(extender);
      this.measuring = false;
    }
  }

  /** Delivers the outcome, retrying through outages; only a 4xx answer makes the agent let go of it. */
  private async report(held: Held, seconds: number): Promise<void> {
    const { task, outcome } = held;
    const { progress } = this.opts;
    if (!outcome) return;
    const isResult = outcome.kind === 'result';
    const route = isResult ? AGENT_ROUTES.result(task.id) : AGENT_ROUTES.failure(task.id);
    try {
      await this.conn.call(route, isResult ? outcome.result : outcome.failure);
      if (isResult)
        progress.measured(
          task.searchSpace,
          task.arch,
          outcome.medianMs,
          outcome.cv,
          seconds,
          outcome.result.replayed,
        );
      else progress.failedTask(task.searchSpace, task.arch, outcome.failure.reason);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e; // Aborted: giveBack() makes one last attempt
      if (e.status === 409)
        progress.error(`task ${task.id} is no longer held by this agent (409); dropped its ${outcome.kind}`);
      else progress.error(`server rejected the ${outcome.kind} of task ${task.id}: ${e.message}`);
    }
    this.held.delete(task.id);
  }

  private async extend(): Promise<void> {
    const ids = [...this.held.keys()];
    if (ids.length === 0 || this.exitCode !== undefined) return;
    try {
      const res = await this.conn.once<ExtendResponse>(AGENT_ROUTES.extend, { taskIds: ids }, 10_000);
      for (const id of ids) {
        if (res.extended.includes(id)) continue;
        this.held.get(id)?.abort.abort();
        this.held.delete(id);
        this.opts.progress.error(`lease on task ${id} was lost (expired or taken back); abandoning it`);
      }
    } catch (e) {
      if (e instanceof ServerUnreachable) this.conn.unreachable(e, (this.leaseTtlSec * 1000) / 3);
      else if (!(e instanceof Aborted)) this.opts.progress.error(`lease extension failed: ${errorText(e)}`);
    }
  }

  /** On shutdown: deliver finished outcomes, release the rest (released tasks do not count as attempts). */
  private async giveBack(): Promise<void> {
    const http = this.conn.http;
    for (const [id, held] of this.held) {
      const outcome = held.outcome;
      const [route, body] = !outcome
        ? [AGENT_ROUTES.failure(id), { reason: 'agent shutting down', retryable: true, released: true }]
        : outcome.kind === 'result'
          ? [AGENT_ROUTES.result(id), outcome.result]
          : [AGENT_ROUTES.failure(id), outcome.failure];
      try {
        await http.post(route, body, { timeoutMs: 5_000 });
        this.opts.progress.log(
          outcome ? `delivered the ${outcome.kind} of task ${id}` : `released task ${id}`,
        );
      } catch (e) {
        // 409: the server already has it (an answer lost to the shutdown) or took the task back.
        if (e instanceof HttpError && e.status === 409)
          this.opts.progress.log(`task ${id} is no longer held (409)`);
        else
          this.opts.progress.error(`could not give back task ${id} (${errorText(e)}); its lease will expire`);
      }
    }
    this.held.clear();
  }
}
