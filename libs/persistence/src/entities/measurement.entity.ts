import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
} from 'typeorm';
import { AgentEntity } from './agent.entity';
import { MeasurementTaskEntity } from './measurement-task.entity';

/** One measured latency with every raw sample and where it came from. */
@Entity('measurements')
@Check('ck_measurements_samples', `jsonb_typeof(samples) = 'array'`)
@Index('ix_measurements_device_space_arch', ['deviceId', 'searchSpace', 'arch'])
export class MeasurementEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'task_id', unique: true })
  taskId: string;

  @OneToOne(() => MeasurementTaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'fk_measurements_task' })
  task?: MeasurementTaskEntity;

  @Column('text', { name: 'device_id' })
  deviceId: string;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  @Column('text')
  arch: string;

  @Column('uuid', { name: 'agent_id', nullable: true })
  agentId: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_measurements_agent' })
  agent?: AgentEntity;

  /** The median of `samples`: the number searches and predictors use. */
  @Column('double precision', { name: 'latency_ms' })
  latencyMs: number;

  @Column('jsonb')
  samples: number[];

  @Column('jsonb')
  stats: Record<string, number>;

  @Column('jsonb')
  attempts: unknown[];

  @Column('double precision', { name: 'build_ms', nullable: true })
  buildMs: number | null;

  @Column('double precision', { name: 'first_run_ms', nullable: true })
  firstRunMs: number | null;

  @Column('boolean')
  remeasured: boolean;

  @Column('boolean')
  noisy: boolean;

  @Column('boolean')
  replayed: boolean;

  @Column('jsonb')
  params: Record<string, unknown>;

  /** Agent name and version, runtime name/version/threads/batch, hardware fingerprint. */
  @Column('jsonb')
  provenance: Record<string, unknown>;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('timestamptz', { name: 'finished_at' })
  finishedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
