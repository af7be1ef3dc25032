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
import { ApiKeyEntity } from './api-key.entity';
import { type JsonObject, SearchEntity } from './search.entity';
import { SupernetEntity } from './supernet.entity';

export type ExportStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type ExportFormat = 'onnx' | 'tfjs';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['onnx', 'tfjs'];

/**
 * One subnet of a once-for-all supernet exported as deployable files (ONNX, TF.js) and verified on the
 * test set. The files live in `dir`; the row holds the job's state and what verification measured.
 */
@Entity('exports')
@Check('ck_exports_status', `status IN ('queued', 'running', 'succeeded', 'failed')`)
// Postgres cannot check array members one by one; containment in the allowed set does the same.
@Check('ck_exports_formats', `cardinality(formats) > 0 AND formats <@ ARRAY['onnx', 'tfjs']::text[]`)
@Check('ck_exports_candidate_index', `candidate_index >= 0`)
@Index('ix_exports_supernet', ['supernetId'])
@Index('ix_exports_status', ['status'])
export class ExportEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'supernet_id' })
  supernetId: string;

  // RESTRICT: the exported files were cut from this supernet's weights; its row must outlive them.
  @ManyToOne(() => SupernetEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'supernet_id', foreignKeyConstraintName: 'fk_exports_supernet' })
  supernet?: SupernetEntity;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  /** Canonical arch string of the subnet. */
  @Column('text')
  arch: string;

  @Column('text', { array: true })
  formats: ExportFormat[];

  @Column('text')
  status: ExportStatus;

  /** The stage running now (recalibrating, extracting, writing, verifying); null before the first. */
  @Column('jsonb', { nullable: true })
  progress: JsonObject | null;

  /** Files with sizes and hashes, accuracies, output difference, params and flops; null until verified. */
  @Column('jsonb', { nullable: true })
  result: JsonObject | null;

  /** Folder holding the exported files. */
  @Column('text')
  dir: string;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_exports_created_by' })
  creator?: ApiKeyEntity;

  /** Set when the arch is a search's candidate (`POST /searches/{id}/exports`). */
  @Column('uuid', { name: 'search_id', nullable: true })
  searchId: string | null;

  @ManyToOne(() => SearchEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'search_id', foreignKeyConstraintName: 'fk_exports_search' })
  search?: SearchEntity;

  /** Position of the candidate in that search's result. */
  @Column('int', { name: 'candidate_index', nullable: true })
  candidateIndex: number | null;

  /** The farm device the exported model's latency is measured on; null when none was named. */
  @Column('text', { name: 'device_id', nullable: true })
  deviceId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
