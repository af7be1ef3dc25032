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
import { DeviceEntity } from './device.entity';
import { PredictorEntity, type ModelJobStatus } from './predictor.entity';
import type { JsonObject } from './search.entity';

/** Where a calibration's latencies came from: measured by the farm, or read from a recorded table. */
export type CalibrationSource = 'farm' | 'table';

/**
 * A device adapted to one predictor: the archs measured for it (reference, few-shot and held-out
 * validation archs), the resulting DeviceCalibration and its quality on the validation archs.
 */
@Entity('device_calibrations')
@Check('ck_device_calibrations_status', `status IN ('queued', 'running', 'succeeded', 'failed')`)
@Check('ck_device_calibrations_source', `source IN ('farm', 'table')`)
@Index('ix_device_calibrations_device_space', ['deviceId', 'searchSpace', 'createdAt'])
export class DeviceCalibrationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'device_id' })
  deviceId: string;

  @ManyToOne(() => DeviceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'fk_device_calibrations_device' })
  device?: DeviceEntity;

  @Column('text', { name: 'search_space' })
  searchSpace: string;

  @Column('uuid', { name: 'predictor_id' })
  predictorId: string;

  @ManyToOne(() => PredictorEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'predictor_id', foreignKeyConstraintName: 'fk_device_calibrations_predictor' })
  predictor?: PredictorEntity;

  @Column('text')
  status: ModelJobStatus;

  @Column('text')
  source: CalibrationSource;

  /** Few-shot archs asked for (chosen by the predictor's uncertainty). */
  @Column('int')
  samples: number;

  /** Held-out archs asked for, to score the calibration on. */
  @Column('int', { name: 'validation_count' })
  validationCount: number;

  @Column('jsonb', { name: 'reference_archs', nullable: true })
  referenceArchs: string[] | null;

  @Column('jsonb', { name: 'shot_archs', nullable: true })
  shotArchs: string[] | null;

  @Column('jsonb', { name: 'validation_archs', nullable: true })
  validationArchs: string[] | null;

  /** Latency (ms) per canonical arch, of every arch measured for this calibration. */
  @Column('jsonb', { nullable: true })
  measured: Record<string, number> | null;

  /** The DeviceCalibration (plain JSON); null until the calibration succeeded. */
  @Column('jsonb', { nullable: true })
  calibration: JsonObject | null;

  @Column('jsonb', { nullable: true })
  quality: JsonObject | null;

  @Column('int', { default: 0 })
  measurements: number;

  /** Phase, pending/total archs of the current phase, and the measurement batches created. */
  @Column('jsonb')
  progress: JsonObject;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_device_calibrations_created_by' })
  creator?: ApiKeyEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
