import { Inject, Injectable } from '@nestjs/common';
import { invalid, notFound } from '@tailor/common';
import type { FarmSettings, TailorConfig } from '@tailor/config';
import { type AgentEntity, type EnrollmentTokenEntity, FarmAgentsRepository } from '@tailor/persistence';
import type { Principal } from '../api-keys/principal';
import { TAILOR_CONFIG } from '../tokens';
import { hashSecret, newEnrollmentToken, secretPrefix } from './farm-secrets';
import { LeaseWaiters } from './lease-waiters';
import { offlineAfterSec } from './liveness';

export interface CreateEnrollmentToken {
  readonly name?: string;
  /** Hours until the token stops working (default 24, at most 30 days). */
  readonly expiresInHours?: number;
  /** Agents that may register with it (default 1). */
  readonly maxUses?: number;
}

const MAX_HOURS = 24 * 30;

function tokenView(t: EnrollmentTokenEntity) {
  const now = Date.now();
  const status = t.revokedAt
    ? 'revoked'
    : t.expiresAt.getTime() <= now
      ? 'expired'
      : t.uses >= t.maxUses
        ? 'used-up'
        : 'active';
  return {
    id: t.id,
    name: t.name,
    prefix: t.tokenPrefix,
    status,
    uses: t.uses,
    maxUses: t.maxUses,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    createdAt: t.createdAt,
  };
}

/** What an admin sees of an agent; `online` = heartbeat within 3 intervals and not revoked. */
export function agentView(a: AgentEntity, farm: FarmSettings) {
  const silentMs = Date.now() - a.lastHeartbeatAt.getTime();
  return {
    id: a.id,
    name: a.name,
    deviceId: a.deviceId,
    status: a.revokedAt ? 'revoked' : silentMs <= offlineAfterSec(farm) * 1000 ? 'online' : 'offline',
    state: a.state,
    runtime: a.runtime,
    fingerprint: a.fingerprint,
    agentVersion: a.agentVersion,
    lastHeartbeatAt: a.lastHeartbeatAt,
    revokedAt: a.revokedAt,
    createdAt: a.createdAt,
  };
}

/** Admin side of the farm: enrollment tokens and agent revocation. */
@Injectable()
export class FarmAdminService {
  constructor(
    private readonly agents: FarmAgentsRepository,
    private readonly waiters: LeaseWaiters,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  async createToken(req: CreateEnrollmentToken, who: Pick<Principal, 'keyId'> | null) {
    const hours = req.expiresInHours ?? 24;
    if (!(hours > 0 && hours <= MAX_HOURS))
      throw invalid('expiresInHours', `must be in (0, ${MAX_HOURS}], got ${hours}`);
    const maxUses = req.maxUses ?? 1;
    if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 10_000)
      throw invalid('maxUses', `must be an integer in [1, 10000], got ${maxUses}`);
    const token = newEnrollmentToken();
    const saved = await this.agents.createToken({
      name: req.name ?? 'enrollment token',
      tokenHash: hashSecret(token),
      tokenPrefix: secretPrefix(token),
      maxUses,
      expiresAt: new Date(Date.now() + hours * 3_600_000),
      createdBy: who?.keyId ?? null,
    });
    return { ...tokenView(saved), token };
  }

  async listTokens() {
    return (await this.agents.listTokens()).map(tokenView);
  }

  async revokeToken(id: string) {
    if (!(await this.agents.revokeToken(id))) throw notFound('id', `unknown enrollment token ${id}`);
  }

  async listAgents() {
    return (await this.agents.list()).map((a) => agentView(a, this.config.farm));
  }

  /** Its secret stops working at once; the tasks it held go back to the queue. */
  async revokeAgent(id: string) {
    const agent = await this.agents.get(id);
    if (!agent) throw notFound('id', `unknown agent ${id}`);
    const released = await this.agents.revoke(id);
    this.waiters.notify(agent.deviceId);
    return { id, revoked: true, releasedTasks: released ?? 0 };
  }
}
