import { AccuracyTableEntity } from './accuracy-table.entity';
import { ApiKeyEntity } from './api-key.entity';
import { DatasetEntity } from './dataset.entity';
import { DeviceEntity } from './device.entity';
import { LatencyTableEntity } from './latency-table.entity';
import { SearchEvaluationEntity } from './search-evaluation.entity';
import { SearchEntity } from './search.entity';

export * from './accuracy-table.entity';
export * from './api-key.entity';
export * from './dataset.entity';
export * from './device.entity';
export * from './latency-table.entity';
export * from './search-evaluation.entity';
export * from './search.entity';

export const ENTITIES = [
  ApiKeyEntity,
  DatasetEntity,
  DeviceEntity,
  LatencyTableEntity,
  AccuracyTableEntity,
  SearchEntity,
  SearchEvaluationEntity,
] as const;
