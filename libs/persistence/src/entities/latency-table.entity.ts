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
import { DeviceEntity } from './device.entity';

@Entity('latency_tables')
@Check('ck_latency_tables_values', `jsonb_typeof("values") = 'array'`)
@Unique('uq_latency_tables_device_space', ['deviceId', 'searchSpace'])
export class LatencyTableEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'device_id' })
  deviceId: string;

  @ManyToOne(() => DeviceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'fk_latency_tables_device' })
  device?: DeviceEntity;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId: string;

  @ManyToOne(() => DatasetEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dataset_id', foreignKeyConstraintName: 'fk_latency_tables_dataset' })
  dataset?: DatasetEntity;

  /** Latencies aligned with the dataset's `archKeys`. */
  @Column('jsonb')
  values: number[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
