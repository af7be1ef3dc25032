import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
} from 'typeorm';
import { DatasetEntity } from './dataset.entity';

@Entity('accuracy_tables')
@Check('ck_accuracy_tables_values', `jsonb_typeof("values") = 'array'`)
@Unique('uq_accuracy_tables_space_dataset', ['searchSpace', 'dataset'])
export class AccuracyTableEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  /** Benchmark data set the accuracies were measured on, e.g. `cifar100`. */
  @Column('text')
  dataset: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId: string;

  @ManyToOne(() => DatasetEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dataset_id', foreignKeyConstraintName: 'fk_accuracy_tables_dataset' })
  sourceDataset?: DatasetEntity;

  @Column('jsonb')
  values: number[];

  @Column('text')
  unit: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
