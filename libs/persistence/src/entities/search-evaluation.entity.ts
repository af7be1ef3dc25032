import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SearchEntity } from './search.entity';

@Entity('search_evaluations')
export class SearchEvaluationEntity {
  @PrimaryColumn('uuid', { name: 'search_id', primaryKeyConstraintName: 'pk_search_evaluations' })
  searchId: string;

  @ManyToOne(() => SearchEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'search_id', foreignKeyConstraintName: 'fk_search_evaluations_search' })
  search?: SearchEntity;

  /** Position in the search's evaluation order; with searchId it makes a round's insert idempotent. */
  @PrimaryColumn('int', { primaryKeyConstraintName: 'pk_search_evaluations' })
  seq: number;

  @Column('text', { name: 'arch_key' })
  archKey: string;

  @Column('jsonb')
  arch: unknown;

  @Column('jsonb')
  metrics: Record<string, unknown>;

  /** Constraint violation; `Infinity` when a metric could not be predicted (float8 keeps it, jsonb would not). */
  @Column('double precision')
  violation: number;

  @Column('boolean')
  feasible: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
