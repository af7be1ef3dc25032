/**
 * A simulated device-farm agent for the load test: it speaks the real agent protocol over HTTP but runs
 * no model, it sleeps 20–200 ms and reports synthetic samples. That keeps 200 of them cheap enough to
 * run inside the benchmark process, so the server (not the agents) is what gets measured.
 */
import { Rng } from '@tailor/common';
import {
  AGENT_ROUTES,
  type LeaseResponse,
  type RegisterRequest,
  type RegisterResponse,
  type ResultRequest,
} from '@tailor/farm';
import { type Api, networkErrorCode } from './http';
import { sleep } from './util';

export type Route = 'register' | 'heartbeat' | 'lease' | 'result' | 'batch';

/** Everything the agents observe, shared by all of them (single-threaded, so plain counters suffice). */
export class LoadStats {
  readonly latency = {
    leaseWork: [] as number[],
    leaseEmpty: [] as number[],
    result: [] as number[],
    heartbeat: [] as number[],
    register: [] as number[],
    batch: [] as number[],
  };
  /** `route status` → count, for every non-2xx answer and network error. */
  readonly errors = new Map<string, number>();
  /** Task id → agent id of every 201 the server gave; the integrity check compares it with the DB. */
  readonly acked = new Map<string, string>();
  /** 201s for a task that had already been acknowledged (must be 0). */
  duplicateAcks = 0;
  /** Epoch ms of each 201, to split throughput between the load and drain phases. */
  readonly ackTimes: number[] = [];
  /** Tasks abandoned by agents that "died" holding them; the server must hand them to someone else. */
  readonly abandoned: string[] = [];

  error(route: Route, status: number | string): void {
    const key = `${route} ${status}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }
}

export interface SimAgentOptions {
  readonly index: number;
  readonly api: Api;
  readonly token: string;
  readonly deviceCount: number;
  readonly stats: LoadStats;
  /** How long a "killed" agent stays silent before its supervisor restarts it with the same identity. */
  readonly restartAfterMs: number;
}

const pad = (n: number) => String(n).padStart(3, '0');

export class SimAgent {
  deviceId = '';
  agentId = '';
  private secretApi: Api | undefined;
  private heartbeatSec = 5;
  private stopped = false;
  private silent = false;
  private died = false;
  private dieAt: number | undefined;
  private state: 'idle' | 'measuring' = 'idle';
  private readonly rng: Rng;

  constructor(private readonly o: SimAgentOptions) {
    this.rng = Rng.fromSeed(1000 + o.index);
  }

  /** Registers with a fingerprint shared by every `deviceCount`-th agent, so ~10 devices get ~20 agents each. */
  async register(): Promise<void> {
    const d = this.o.index % this.o.deviceCount;
    const body: RegisterRequest = {
      enrollmentToken: this.o.token,
      name: `bench-sim-${pad(this.o.index)}`,
      agentVersion: 'bench-sim',
      fingerprint: {
        cpuModel: `Tailor bench simulated CPU ${pad(d)}`,
        cores: 8,
        memoryGiB: 16,
        os: 'linux bench',
        arch: 'x64',
        nodeVersion: process.version,
      },
      runtime: { name: 'onnxruntime', version: 'bench-sim', threads: 1, batchSize: 1 },
    };
    const r = await this.o.api.call<RegisterResponse>('POST', AGENT_ROUTES.register, body);
    this.o.stats.latency.register.push(r.ms);
    if (r.status !== 201) {
      this.o.stats.error('register', r.status);
      throw new Error(`agent ${this.o.index}: register → ${r.status} ${JSON.stringify(r.body)}`);
    }
    this.secretApi = this.o.api.as(r.body.secret);
    this.deviceId = r.body.deviceId;
    this.agentId = r.body.agentId;
    this.heartbeatSec = r.body.heartbeatIntervalSec;
  }

  /** The first task leased after `epochMs` is abandoned, as if the process were SIGKILLed. */
  dieAfter(epochMs: number): void {
    this.dieAt = epochMs;
  }

  /** Ends the loop after the current lease call returns (a held task is still reported first). */
  stop(): void {
    this.stopped = true;
  }

  /** Heartbeats on a timer and leases/measures/reports until stop(). */
  async run(): Promise<void> {
    // Spread the agents' heartbeats over the interval instead of firing 200 at once.
    const first = setTimeout(() => void this.beat(), this.rng.next() * this.heartbeatSec * 1000);
    const timer = setInterval(() => void this.beat(), this.heartbeatSec * 1000);
    try {
      while (!this.stopped) await this.once();
    } finally {
      clearTimeout(first);
      clearInterval(timer);
    }
  }

  private async beat(): Promise<void> {
    if (this.silent || this.stopped) return;
    try {
      const r = await this.api().call('POST', AGENT_ROUTES.heartbeat, { state: this.state });
      this.o.stats.latency.heartbeat.push(r.ms);
      if (r.status !== 200) this.o.stats.error('heartbeat', r.status);
    } catch (e) {
      this.o.stats.error('heartbeat', networkErrorCode(e));
    }
  }

  private async once(): Promise<void> {
    let r;
    try {
      r = await this.api().call<LeaseResponse>('POST', AGENT_ROUTES.lease, { max: 1, waitSec: 5 });
    } catch (e) {
      this.o.stats.error('lease', networkErrorCode(e));
      return sleep(500);
    }
    if (r.status !== 200) {
      this.o.stats.error('lease', r.status);
      return sleep(500);
    }
    const tasks = r.body.tasks;
    (tasks.length > 0 ? this.o.stats.latency.leaseWork : this.o.stats.latency.leaseEmpty).push(r.ms);
    for (const task of tasks) {
      this.state = 'measuring';
      const startedAt = new Date();
      await sleep(20 + this.rng.next() * 180);
      if (this.dieAt !== undefined && !this.died && Date.now() >= this.dieAt) {
        await this.die(task.id);
        continue;
      }
      await this.report(task.id, task.arch, startedAt);
      this.state = 'idle';
    }
  }

  /** No result, no heartbeat, no lease call: to the server this is a SIGKILLed agent. */
  private async die(taskId: string): Promise<void> {
    this.died = true;
    this.silent = true;
    this.o.stats.abandoned.push(taskId);
    await sleep(this.o.restartAfterMs);
    this.silent = false;
    this.state = 'idle';
  }

  /** Posts the synthetic result; retries network errors, since a real agent would not drop a result. */
  private async report(taskId: string, arch: string, startedAt: Date): Promise<void> {
    // Latency derived from the arch text so equal archs get similar numbers, plus ±2 % jitter.
    const base = 1 + ([...arch].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 997, 7) % 100) / 10;
    const samples = Array.from({ length: 5 }, () => base * (0.98 + 0.04 * this.rng.next()));
    const body: ResultRequest = {
      samples,
      runsPerRepeat: samples.map(() => 10),
      buildMs: 5,
      firstRunMs: base * 2,
      remeasured: false,
      noisy: false,
      replayed: false,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      let r;
      try {
        r = await this.api().call('POST', AGENT_ROUTES.result(taskId), body);
      } catch (e) {
        this.o.stats.error('result', networkErrorCode(e));
        await sleep(200);
        continue;
      }
      this.o.stats.latency.result.push(r.ms);
      if (r.status === 201) {
        if (this.o.stats.acked.has(taskId)) this.o.stats.duplicateAcks++;
        this.o.stats.acked.set(taskId, this.agentId);
        this.o.stats.ackTimes.push(Date.now());
      } else this.o.stats.error('result', r.status);
      return;
    }
  }

  private api(): Api {
    if (!this.secretApi) throw new Error('agent not registered');
    return this.secretApi;
  }
}
