import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DeviceEntity } from './device.entity';
import { EnrollmentTokenEntity } from './enrollment-token.entity';

/** A registered agent process. Its secret is stored as a hash; revoking sets `revokedAt`. */
@Entity('agents')
@Index('ix_agents_device', ['deviceId'])
export class AgentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'device_id' })
  deviceId: string;

  @ManyToOne(() => DeviceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'fk_agents_device' })
  device?: DeviceEntity;

  @Column('uuid', { name: 'token_id', nullable: true })
  tokenId: string | null;

  @ManyToOne(() => EnrollmentTokenEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'token_id', foreignKeyConstraintName: 'fk_agents_token' })
  token?: EnrollmentTokenEntity;

  @Column('text', { name: 'secret_hash', unique: true })
  secretHash: string;

  @Column('jsonb')
  fingerprint: Record<string, unknown>;

  @Column('jsonb')
  runtime: Record<string, unknown>;

  @Column('text', { name: 'agent_version' })
  agentVersion: string;

  @Column('text', { default: 'idle' })
  state: string;

  @Column('timestamptz', { name: 'last_heartbeat_at', default: () => 'now()' })
  lastHeartbeatAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
