import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

export type DatasetKind = 'latency' | 'accuracy';

/** A latency file's device roles (HELP's meta-train / meta-valid / meta-test split). */
export interface DatasetSplits {
  metaTrain: string[];
  metaValid: string[];
  metaTest: string[];
  unassigned: string[];
}

/** HELP's evaluation ranges: half-open index ranges into the dataset's `archKeys`. */
export interface DatasetProtocolRanges {
  trainPool: [number, number];
  query: [number, number];
}

/** One imported file. Tables point at it so their `values` can be read against its `archKeys`. */
@Entity('datasets')
@Check('ck_datasets_kind', `kind IN ('latency', 'accuracy')`)
@Check('ck_datasets_arch_keys', `jsonb_typeof(arch_keys) = 'array'`)
export class DatasetEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  kind: DatasetKind;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  @Column('text', { name: 'file_name', nullable: true })
  fileName: string | null;

  @Column('text')
  sha256: string;

  /** Canonical architecture keys in file order; every table's `values` is aligned with it. */
  @Column('jsonb', { name: 'arch_keys' })
  archKeys: string[];

  @Column('jsonb')
  summary: Record<string, unknown>;

  /** Latency files: canonical strings of the file's reference archs (hardware embedding), if it has them. */
  @Column('jsonb', { name: 'reference_arch_keys', nullable: true })
  referenceArchKeys: string[] | null;

  @Column('jsonb', { nullable: true })
  splits: DatasetSplits | null;

  @Column('jsonb', { name: 'protocol_ranges', nullable: true })
  protocolRanges: DatasetProtocolRanges | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_datasets_created_by' })
  creator?: ApiKeyEntity | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
