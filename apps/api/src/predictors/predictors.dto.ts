import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CALIBRATION_RANGES, MAX_PREDICT_ARCHS, PREDICTOR_OPTION_RANGES } from '@tailor/engine';

export class PredictorOptionsDto {
  /** Meta-training steps per ensemble member (default 3000; about a minute each on 2 cores). */
  @IsOptional()
  @IsInt()
  @Min(PREDICTOR_OPTION_RANGES.steps[0])
  @Max(PREDICTOR_OPTION_RANGES.steps[1])
  steps?: number;
  /** Independently trained members; their spread gives the prediction interval (default 3). */
  @IsOptional()
  @IsInt()
  @Min(PREDICTOR_OPTION_RANGES.members[0])
  @Max(PREDICTOR_OPTION_RANGES.members[1])
  members?: number;
}

export class CreatePredictorDto {
  /** The design space, e.g. `nasbench201`; its recorded latency tables are the training data. */
  @IsString() @MaxLength(64) searchSpace: string;
  /** Devices to meta-train on (default: the imported file's metaTrain split, else every tabled device). */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  sourceDevices?: string[];
  /** Held-out devices that select checkpoints and report Spearman (default: the file's metaValid split). */
  @IsOptional() @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) validationDevices?: string[];
  @IsOptional() @ValidateNested() @Type(() => PredictorOptionsDto) options?: PredictorOptionsDto;
}

export const CREATE_PREDICTOR_EXAMPLE = { searchSpace: 'nasbench201' };

export class ListPredictorsQuery {
  @IsOptional() @IsString() @MaxLength(64) searchSpace?: string;
}

export class CalibrateDto {
  @IsString() @MaxLength(64) searchSpace: string;
  /** Archs measured to adapt on besides the reference archs, chosen where the predictor is least sure (default 10). */
  @IsOptional()
  @IsInt()
  @Min(CALIBRATION_RANGES.samples.min)
  @Max(CALIBRATION_RANGES.samples.max)
  samples?: number;
  /** Random archs measured only to score the calibration (default 5). */
  @IsOptional()
  @IsInt()
  @Min(CALIBRATION_RANGES.validationArchs.min)
  @Max(CALIBRATION_RANGES.validationArchs.max)
  validationArchs?: number;
}

export class ListCalibrationsQuery {
  @IsOptional() @IsString() @MaxLength(64) searchSpace?: string;
}

export class PredictLatencyDto {
  @IsString() @MaxLength(64) searchSpace: string;
  /** A calibrated device (see POST /devices/{id}/calibrate). */
  @IsString() @MaxLength(128) device: string;
  /** Archs to predict: canonical strings or structured JSON, at most 10,000. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_PREDICT_ARCHS) archs: unknown[];
}
