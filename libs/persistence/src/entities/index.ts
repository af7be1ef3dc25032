import { AgentEntity } from './agent.entity';
import { EnrollmentTokenEntity } from './enrollment-token.entity';
import { MeasurementBatchEntity } from './measurement-batch.entity';
import { MeasurementTaskEntity } from './measurement-task.entity';
import { MeasurementEntity } from './measurement.entity';
import { AccuracyTableEntity } from './accuracy-table.entity';
import { ApiKeyEntity } from './api-key.entity';
import { DatasetEntity } from './dataset.entity';
import { DeviceEntity } from './device.entity';
import { LatencyTableEntity } from './latency-table.entity';
import { SearchEvaluationEntity } from './search-evaluation.entity';
import { SearchEntity } from './search.entity';
import { PredictorEntity } from './predictor.entity';
import { DeviceCalibrationEntity } from './device-calibration.entity';
import { SupernetEntity } from './supernet.entity';
import { ExportEntity } from './export.entity';

export * from './agent.entity';
export * from './enrollment-token.entity';
export * from './measurement-batch.entity';
export * from './measurement-task.entity';
export * from './measurement.entity';
export * from './accuracy-table.entity';
export * from './api-key.entity';
export * from './dataset.entity';
export * from './device.entity';
export * from './latency-table.entity';
export * from './search-evaluation.entity';
export * from './search.entity';
export * from './predictor.entity';
export * from './device-calibration.entity';
export * from './supernet.entity';
export * from './export.entity';

export const ENTITIES = [
  ApiKeyEntity,
  DatasetEntity,
  DeviceEntity,
  LatencyTableEntity,
  AccuracyTableEntity,
  SearchEntity,
  SearchEvaluationEntity,
  EnrollmentTokenEntity,
  AgentEntity,
  MeasurementBatchEntity,
  MeasurementTaskEntity,
  MeasurementEntity,
  PredictorEntity,
  DeviceCalibrationEntity,
  SupernetEntity,
  ExportEntity,
] as const;
