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

/** Shared by predictors and device calibrations: both are background jobs with the same life cycle. */
export type ModelJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/**
 * One meta-trained latency predictor of a search space. Versions count up per space; the snapshot
 * (weights as JSON) is written once, when training succeeds, and never changes after.
 */
@Entity('predictors')
@Check('ck_predictors_status', `status IN ('queued', 'running', 'succeeded', 'failed')`)
@Unique('uq_predictors_space_version', ['searchSpace', 'version'])
@Index('ix_predictors_status', ['status'])
export class PredictorEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  @Column('int')
  version: number;

  @Column('text')
  status: ModelJobStatus;

  /** Training options as requested (steps, members). */
  @Column('jsonb')
  options: JsonObject;

  @Column('jsonb', { name: 'source_devices' })
  sourceDevices: string[];

  @Column('jsonb', { name: 'validation_devices' })
  validationDevices: string[];

  @Column('jsonb')
  progress: JsonObject;

  /** Spearman per validation device of the trained ensemble. */
  @Column('jsonb', { nullable: true })
  validation: Record<string, number> | null;

  /** The PredictorSnapshot; null until training succeeded. Large: never selected for lists. */
  @Column('jsonb', { nullable: true })
  snapshot: JsonObject | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_predictors_created_by' })
  creator?: ApiKeyEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
