import { Inject, Injectable } from '@nestjs/common';
import { invalid, TailorError } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import {
  DEFAULT_TASK_PARAMS,
  farmDeviceId,
  type ExtendResponse,
  type FailureRequest,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type LeasedTask,
  type LeaseResponse,
  type RegisterRequest,
  type RegisterResponse,
  type ResultRequest,
} from '@tailor/farm';
import { computeStatistics } from '@tailor/measurement';
import {
  type AgentEntity,
  FarmAgentsRepository,
  MeasurementQueueRepository,
  type TaskRow,
} from '@tailor/persistence';
import { TAILOR_CONFIG } from '../tokens';
import { hashSecret, newAgentSecret } from './farm-secrets';
import { LeaseWaiters } from './lease-waiters';

const MAX_WAIT_SEC = 30;

const leasedTask = (t: TaskRow): LeasedTask => ({
  id: t.id,
  searchSpace: t.searchSpace,
  arch: t.arch,
  params: { ...DEFAULT_TASK_PARAMS, ...t.params },
  attempt: t.attempts,
  leaseExpiresAt: (t.leaseExpiresAt ?? new Date()).toISOString(),
});

function isoDate(field: string, value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(field, `must be an ISO date-time, got "${value}"`);
  return d;
}

/** The agent side of the farm: registration, heartbeats, leases, results and failures. */
@Injectable()
export class FarmAgentsService {
  constructor(
    private readonly agents: FarmAgentsRepository,
    private readonly queue: MeasurementQueueRepository,
    private readonly waiters: LeaseWaiters,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  async register(req: RegisterRequest): Promise<RegisterResponse> {
    if ((req.runtime.name === 'replay') !== (req.replay !== undefined))
      throw invalid('replay', 'must be given exactly when runtime.name is "replay"');
    const deviceId = farmDeviceId(req.fingerprint, req.runtime, req.replay);
    const { nodeVersion: _node, ...hardware } = req.fingerprint;
    const secret = newAgentSecret();
    const outcome = await this.agents.register(hashSecret(req.enrollmentToken), {
      name: req.name,
      secretHash: hashSecret(secret),
      fingerprint: { ...req.fingerprint },
      runtime: { ...req.runtime },
      agentVersion: req.agentVersion,
      device: {
        id: deviceId,
        hardware: req.replay
          ? (req.replay.hardware ?? `replayed ${req.replay.device}`)
          : req.fingerprint.cpuModel,
        info: {
          source: req.replay ? 'replay' : 'measured',
          hardware: req.replay ? null : hardware,
          runtime: { name: req.runtime.name, threads: req.runtime.threads, batchSize: req.runtime.batchSize },
          replay: req.replay ?? null,
        },
      },
    });
    if ('refused' in outcome) {
      throw new TailorError('UNAUTHENTICATED', `enrollment token is ${outcome.refused}`, 'enrollmentToken');
    }
    return {
      agentId: outcome.agent.id,
      secret,
      deviceId,
      heartbeatIntervalSec: this.config.farm.heartbeatSec,
      leaseTtlSec: this.config.farm.leaseTtlSec,
    };
  }

  /** The agent behind a bearer secret; 401 for unknown or revoked agents (and for user keys). */
  async authenticate(secret: string | undefined): Promise<AgentEntity> {
    if (!secret)
      throw new TailorError('UNAUTHENTICATED', 'agent routes need "Bearer <agent secret>"', 'authorization');
    const agent = secret.startsWith('tfa_') ? await this.agents.findBySecretHash(hashSecret(secret)) : null;
    if (!agent) throw new TailorError('UNAUTHENTICATED', 'not a valid agent secret', 'authorization');
    if (agent.revokedAt)
      throw new TailorError('UNAUTHENTICATED', `agent ${agent.id} was revoked by an admin`, 'authorization');
    return agent;
  }

  async heartbeat(agent: AgentEntity, req: HeartbeatRequest): Promise<HeartbeatResponse> {
    await this.agents.heartbeat(agent.id, req.state);
    return {
      agentId: agent.id,
      deviceId: agent.deviceId,
      heartbeatIntervalSec: this.config.farm.heartbeatSec,
      serverTime: new Date().toISOString(),
    };
  }

  /** Long-polls for up to `waitSec` until the agent's device has work, then leases up to `max` tasks. */
  /**
   * Long-polls for up to `waitSec` until the agent's device has work, then leases up to `max` tasks.
   * `hungUp` aborts when the agent closed the request (it was stopping): it must not be handed tasks
   * that would then sit leased to nobody until the lease expires.
   */
  async lease(agent: AgentEntity, max = 1, waitSec = 25, hungUp?: AbortSignal): Promise<LeaseResponse> {
    const { leaseTtlSec } = this.config.farm;
    const deadline = Date.now() + Math.min(waitSec, MAX_WAIT_SEC) * 1000;
    // A lease call is also a sign of life (written only when the last one is getting old: under load
    // every write waits for a WAL flush, and agents heartbeat anyway).
    await this.agents.touch(agent.id, this.config.farm.heartbeatSec / 2);
    for (;;) {
      if (hungUp?.aborted) return { tasks: [], leaseTtlSec };
      const tasks = await this.queue.lease(agent.id, agent.deviceId, max, leaseTtlSec);
      if (tasks.length > 0 || Date.now() >= deadline) return { tasks: tasks.map(leasedTask), leaseTtlSec };
      await this.waiters.wait(agent.deviceId, deadline - Date.now(), hungUp);
      if (this.waiters.isClosed || hungUp?.aborted) return { tasks: [], leaseTtlSec };
      await this.authenticateAgain(agent);
    }
  }

  async extend(agent: AgentEntity, taskIds: readonly string[]): Promise<ExtendResponse> {
    const { leaseTtlSec } = this.config.farm;
    const rows = await this.queue.extend(agent.id, taskIds, leaseTtlSec);
    const expiry = rows[0]?.leaseExpiresAt ?? new Date(Date.now() + leaseTtlSec * 1000);
    return { extended: rows.map((r) => r.id), leaseExpiresAt: expiry.toISOString() };
  }

  /** Stores a result after checking it; statistics are recomputed here from the raw samples. */
  async result(agent: AgentEntity, taskId: string, r: ResultRequest) {
    const stats = computeStatistics(r.samples);
    if (stats.min <= 0) throw invalid('samples', 'every sample must be > 0 ms');
    if (r.runsPerRepeat && r.runsPerRepeat.length !== r.samples.length)
      throw invalid(
        'runsPerRepeat',
        `must have one entry per sample (${r.samples.length}), got ${r.runsPerRepeat.length}`,
      );
    (r.attempts ?? []).forEach((a, i) => {
      if (computeStatistics(a.samples).min <= 0)
        throw invalid(`attempts[${i}].samples`, 'every sample must be > 0 ms');
    });
    if (!r.replayed && (r.buildMs === null || r.firstRunMs === null))
      throw invalid(
        r.buildMs === null ? 'buildMs' : 'firstRunMs',
        'is required for a measured (not replayed) result',
      );
    const startedAt = isoDate('startedAt', r.startedAt);
    const finishedAt = isoDate('finishedAt', r.finishedAt);
    if (finishedAt < startedAt) throw invalid('finishedAt', 'must not be before startedAt');
    const { task, measurementId } = await this.queue.complete(agent.id, taskId, {
      latencyMs: stats.median,
      samples: r.samples,
      stats: { ...stats },
      attempts: r.attempts ?? [{ samples: r.samples, runsPerRepeat: r.runsPerRepeat ?? [] }],
      buildMs: r.buildMs,
      firstRunMs: r.firstRunMs,
      remeasured: r.remeasured,
      noisy: r.noisy,
      replayed: r.replayed,
      provenance: {
        agentId: agent.id,
        agentName: agent.name,
        agentVersion: agent.agentVersion,
        runtime: agent.runtime,
        fingerprint: agent.fingerprint,
      },
      startedAt,
      finishedAt,
    });
    return { taskId: task.id, measurementId, latencyMs: stats.median, stats };
  }

  async failure(agent: AgentEntity, taskId: string, f: FailureRequest) {
    const task = await this.queue.fail(agent.id, taskId, {
      reason: f.reason,
      retryable: f.retryable,
      released: f.released ?? false,
    });
    if (task.status === 'queued') this.waiters.notify(task.deviceId);
    return { taskId: task.id, status: task.status, attempts: task.attempts, maxAttempts: task.maxAttempts };
  }

  /** A revoked agent must not keep a long-poll open. */
  private async authenticateAgain(agent: AgentEntity): Promise<void> {
    const fresh = await this.agents.get(agent.id);
    if (!fresh || fresh.revokedAt)
      throw new TailorError('UNAUTHENTICATED', `agent ${agent.id} was revoked by an admin`, 'authorization');
  }
}
