import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TailorError } from '@tailor/common';
import { DataSource, IsNull } from 'typeorm';
import { AgentEntity, DeviceEntity, EnrollmentTokenEntity } from '../entities';
import { mapDbErrors } from './db-errors';
import { updateReturning } from './returning';
import { row } from './query-values';

export interface NewEnrollmentToken {
  readonly name: string;
  readonly tokenHash: string;
  readonly tokenPrefix: string;
  readonly maxUses: number;
  readonly expiresAt: Date;
  readonly createdBy: string | null;
}

export interface NewAgent {
  readonly name: string;
  readonly secretHash: string;
  readonly fingerprint: Record<string, unknown>;
  readonly runtime: Record<string, unknown>;
  readonly agentVersion: string;
  readonly device: { id: string; hardware: string | null; info: Record<string, unknown> };
}

/** Why an enrollment token was refused; never tells a caller more than "invalid" (see the service). */
export type TokenRefusal = 'unknown' | 'revoked' | 'expired' | 'used-up';

/** Enrollment tokens and agents: who may join the farm and who is in it. */
@Injectable()
export class FarmAgentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  createToken(t: NewEnrollmentToken): Promise<EnrollmentTokenEntity> {
    return mapDbErrors('enrollment token', async () => {
      const repo = this.dataSource.getRepository(EnrollmentTokenEntity);
      const id = randomUUID();
      await repo.insert({ id, ...t, uses: 0, revokedAt: null });
      return (await repo.findOneByOrFail({ id })) as EnrollmentTokenEntity;
    });
  }

  listTokens(): Promise<EnrollmentTokenEntity[]> {
    return this.dataSource.getRepository(EnrollmentTokenEntity).find({ order: { createdAt: 'DESC' } });
  }

  /** Revokes; returns false when there is no such token. Idempotent. */
  revokeToken(id: string): Promise<boolean> {
    return mapDbErrors('enrollment token', async () => {
      const repo = this.dataSource.getRepository(EnrollmentTokenEntity);
      if (!(await repo.existsBy({ id }))) return false;
      await repo.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
      return true;
    });
  }

  /**
   * One transaction: spends one use of the token (atomically, so two agents racing for the last use
   * cannot both win), upserts the agent's device and inserts the agent.
   */
  register(tokenHash: string, a: NewAgent): Promise<{ agent: AgentEntity } | { refused: TokenRefusal }> {
    return mapDbErrors('agent', () =>
      this.dataSource.transaction(async (tx) => {
        const spent: Array<{ id: string }> = await updateReturning(
          tx,
          `UPDATE enrollment_tokens SET uses = uses + 1
            WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() AND uses < max_uses
            RETURNING id`,
          [tokenHash],
        );
        if (spent.length === 0) {
          const t = await tx.getRepository(EnrollmentTokenEntity).findOneBy({ tokenHash });
          const refused: TokenRefusal = !t
            ? 'unknown'
            : t.revokedAt
              ? 'revoked'
              : t.expiresAt.getTime() <= Date.now()
                ? 'expired'
                : 'used-up';
          return { refused };
        }
        const existing = await tx.getRepository(DeviceEntity).findOneBy({ id: a.device.id });
        if (existing && existing.kind !== 'farm') {
          throw new TailorError(
            'CONFLICT',
            `device id "${a.device.id}" is taken by a recorded device; start the agent with another --device name`,
            'device',
          );
        }
        await tx.query(
          `INSERT INTO devices (id, kind, hardware, info) VALUES ($1, 'farm', $2, $3)
           ON CONFLICT (id) DO UPDATE SET hardware = EXCLUDED.hardware, info = EXCLUDED.info, updated_at = now()`,
          [a.device.id, a.device.hardware, JSON.stringify(a.device.info)],
        );
        const id = randomUUID();
        await tx.getRepository(AgentEntity).insert(
          row<AgentEntity>({
            id,
            name: a.name,
            deviceId: a.device.id,
            tokenId: spent[0].id,
            secretHash: a.secretHash,
            fingerprint: a.fingerprint,
            runtime: a.runtime,
            agentVersion: a.agentVersion,
            state: 'idle',
            revokedAt: null,
          }),
        );
        return { agent: await tx.getRepository(AgentEntity).findOneByOrFail({ id }) };
      }),
    );
  }

  findBySecretHash(secretHash: string): Promise<AgentEntity | null> {
    return this.dataSource.getRepository(AgentEntity).findOneBy({ secretHash });
  }

  get(id: string): Promise<AgentEntity | null> {
    return mapDbErrors('agent', () => this.dataSource.getRepository(AgentEntity).findOneBy({ id }));
  }

  async heartbeat(id: string, state: string): Promise<void> {
    await this.dataSource.query(`UPDATE agents SET last_heartbeat_at = now(), state = $2 WHERE id = $1`, [
      id,
      state,
    ]);
  }

  /** Marks the agent alive unless it was marked within `freshSec`: a read on the hot lease path, not a write. */
  async touch(id: string, freshSec: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE agents SET last_heartbeat_at = now()
        WHERE id = $1 AND last_heartbeat_at < now() - make_interval(secs => $2)`,
      [id, freshSec],
    );
  }

  list(): Promise<AgentEntity[]> {
    return this.dataSource.getRepository(AgentEntity).find({ order: { createdAt: 'ASC' } });
  }

  /**
   * Revokes the agent and, in the same transaction, gives its leased tasks back to the queue (the
   * attempt counts, with the reason recorded). Returns the number of tasks released, or null if unknown.
   */
  revoke(id: string): Promise<number | null> {
    return mapDbErrors('agent', () =>
      this.dataSource.transaction(async (tx) => {
        const found: unknown[] = await updateReturning(
          tx,
          `UPDATE agents SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id`,
          [id],
        );
        if (found.length === 0) return null;
        const released: unknown[] = await updateReturning(
          tx,
          `UPDATE measurement_tasks
              SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                  finished_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END,
                  agent_id = NULL, lease_expires_at = NULL,
                  failures = failures || jsonb_build_array(jsonb_build_object(
                    'at', now(), 'agentId', $1::text, 'reason', 'agent revoked while holding the lease'))
            WHERE agent_id = $1 AND status = 'leased' RETURNING id`,
          [id],
        );
        return released.length;
      }),
    );
  }

  /** Per farm device: agents in total and online (heartbeat within `onlineWithinSec`, not revoked). */
  async agentCounts(onlineWithinSec: number): Promise<Map<string, { total: number; online: number }>> {
    const rows: Array<{ device_id: string; total: string; online: string }> = await this.dataSource.query(
      `SELECT device_id, count(*) FILTER (WHERE revoked_at IS NULL) AS total,
              count(*) FILTER (WHERE revoked_at IS NULL AND last_heartbeat_at > now() - make_interval(secs => $1)) AS online
         FROM agents GROUP BY device_id`,
      [onlineWithinSec],
    );
    return new Map(rows.map((r) => [r.device_id, { total: Number(r.total), online: Number(r.online) }]));
  }
}
