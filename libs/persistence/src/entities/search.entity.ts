import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

export type SearchStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const SEARCH_STATUSES: readonly SearchStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
];

/** jsonb payloads are owned by the search service; persistence stores them as given. */
export type JsonObject = Record<string, unknown>;

@Entity('searches')
@Check('ck_searches_status', `status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')`)
@Index('ix_searches_owner_created', ['ownerKeyId', 'createdAt'])
@Index('ix_searches_status', ['status'])
export class SearchEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'owner_key_id' })
  ownerKeyId: string;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_key_id', foreignKeyConstraintName: 'fk_searches_owner_key' })
  owner?: ApiKeyEntity;

  @Column('text')
  status: SearchStatus;

  @Column('jsonb')
  request: JsonObject;

  @Column('jsonb')
  progress: JsonObject;

  @Column('jsonb', { nullable: true })
  best: JsonObject | null;

  @Column('jsonb', { nullable: true })
  result: JsonObject | null;

  /** Serialized algorithm state after the last saved round; what a resumed run starts from. */
  @Column('jsonb', { nullable: true })
  checkpoint: JsonObject | null;

  @Column('text', { nullable: true })
  error: string | null;

  /** How many times a worker has started (or resumed) this search. */
  @Column('int', { default: 0 })
  attempts: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
