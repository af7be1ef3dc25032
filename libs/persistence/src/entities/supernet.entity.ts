import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
} from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import type { JsonObject } from './search.entity';

export type SupernetStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/** `trained` by a job of this server; `shipped` with Tailor, registered read-only at start. */
export type SupernetSource = 'trained' | 'shipped';

/**
 * One once-for-all supernet of an elastic search space. The weights live in `checkpoint_dir` (the
 * trainer's checkpoint files); the row holds the job's state and what training reported.
 */
@Entity('supernets')
@Check('ck_supernets_status', `status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')`)
@Check('ck_supernets_source', `source IN ('trained', 'shipped')`)
// One row per folder: a shipped checkpoint is registered once however often the server starts.
@Unique('uq_supernets_checkpoint_dir', ['checkpointDir'])
@Index('ix_supernets_status', ['status'])
export class SupernetEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  @Column('text')
  status: SupernetStatus;

  @Column('text')
  source: SupernetSource;

  /** The TrainingConfig the job trains with (a resumed job keeps it). */
  @Column('jsonb')
  config: JsonObject;

  /** The latest progress report (phase, epoch, step, loss, lr, images/s, percent); null before the first. */
  @Column('jsonb', { nullable: true })
  progress: JsonObject | null;

  /** One record per finished epoch: validation accuracy of the largest and smallest subnets. */
  @Column('jsonb')
  history: JsonObject[];

  @Column('text', { name: 'checkpoint_dir' })
  checkpointDir: string;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_supernets_created_by' })
  creator?: ApiKeyEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
