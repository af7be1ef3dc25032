import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MEASURE_PARAM_RANGES } from '@tailor/engine';

export class SampleRequestDto {
  /** How many random archs of the space to measure (1–1000). */
  @IsInt() @Min(1) @Max(1000) count: number;
  /** Seed of the sampler (default 0): the same seed gives the same archs. */
  @IsOptional() @IsInt() seed?: number;
}

export class MeasureParamsDto {
  /** Warm-up runs after the first inference (default 10, at least 10). */
  @IsOptional()
  @IsInt()
  @Min(MEASURE_PARAM_RANGES.warmupRuns[0])
  @Max(MEASURE_PARAM_RANGES.warmupRuns[1])
  warmupRuns?: number;
  /** Timed repeats (default 5, at least 5). */
  @IsOptional()
  @IsInt()
  @Min(MEASURE_PARAM_RANGES.repeats[0])
  @Max(MEASURE_PARAM_RANGES.repeats[1])
  repeats?: number;
  /** Each repeat runs the model for at least this long (default 100 ms). */
  @IsOptional()
  @IsInt()
  @Min(MEASURE_PARAM_RANGES.minRepeatMs[0])
  @Max(MEASURE_PARAM_RANGES.minRepeatMs[1])
  minRepeatMs?: number;
  /** Re-measure once when the repeats' coefficient of variation is above this (default 0.1). */
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0.001) @Max(1) maxCv?: number;
}

export class CreateMeasurementBatchDto {
  @IsString() @MaxLength(64) searchSpace: string;
  /** Archs to measure: canonical strings or structured JSON (give this or `sample`). */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) archs?: unknown[];
  @IsOptional() @ValidateNested() @Type(() => SampleRequestDto) sample?: SampleRequestDto;
  @IsOptional() @ValidateNested() @Type(() => MeasureParamsDto) params?: MeasureParamsDto;
}

export class ListMeasurementsQuery {
  @IsOptional() @IsString() @MaxLength(64) searchSpace?: string;
  /** Only the measurements of this batch. */
  @IsOptional() @IsUUID('4') batch?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class ListBatchTasksQuery {
  @IsOptional() @IsIn(['queued', 'leased', 'succeeded', 'failed']) status?:
    'queued' | 'leased' | 'succeeded' | 'failed';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}
