import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { AgentEntity } from './agent.entity';
import { MeasurementBatchEntity } from './measurement-batch.entity';

export type MeasurementTaskStatus = 'queued' | 'leased' | 'succeeded' | 'failed';

/** Why an attempt did not produce a measurement; kept so a failed task explains itself. */
export interface TaskFailure {
  readonly at: string;
  readonly agentId: string | null;
  readonly reason: string;
}

/** One arch to measure on one device: the unit agents lease. */
@Entity('measurement_tasks')
@Check('ck_measurement_tasks_status', `status IN ('queued', 'leased', 'succeeded', 'failed')`)
@Index('ix_measurement_tasks_queue', ['deviceId', 'status', 'createdAt'])
@Index('ix_measurement_tasks_batch', ['batchId', 'position'])
@Index('ix_measurement_tasks_lease', ['status', 'leaseExpiresAt'])
export class MeasurementTaskEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'batch_id' })
  batchId: string;

  @ManyToOne(() => MeasurementBatchEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_measurement_tasks_batch' })
  batch?: MeasurementBatchEntity;

  @Column('int')
  position: number;

  @Column('text', { name: 'device_id' })
  deviceId: string;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  @Column('text')
  arch: string;

  @Column('jsonb')
  params: Record<string, unknown>;

  @Column('text')
  status: MeasurementTaskStatus;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('int', { name: 'max_attempts' })
  maxAttempts: number;

  @Column('uuid', { name: 'agent_id', nullable: true })
  agentId: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_measurement_tasks_agent' })
  agent?: AgentEntity;

  @Column('timestamptz', { name: 'lease_expires_at', nullable: true })
  leaseExpiresAt: Date | null;

  @Column('jsonb', { default: () => "'[]'" })
  failures: TaskFailure[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
