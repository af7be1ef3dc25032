import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { DeviceEntity } from './device.entity';
import { SearchEntity } from './search.entity';

/** A group of measurement tasks asked for together (by a user, or by a search that needs latencies). */
@Entity('measurement_batches')
export class MeasurementBatchEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'device_id' })
  deviceId: string;

  @ManyToOne(() => DeviceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'fk_measurement_batches_device' })
  device?: DeviceEntity;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  @Column('jsonb')
  params: Record<string, unknown>;

  @Column('int')
  size: number;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_measurement_batches_created_by' })
  creator?: ApiKeyEntity;

  @Column('uuid', { name: 'search_id', nullable: true })
  searchId: string | null;

  @ManyToOne(() => SearchEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'search_id', foreignKeyConstraintName: 'fk_measurement_batches_search' })
  search?: SearchEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
