import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const SLUG = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export class MetricRefDto {
  /** accuracy (from an imported accuracy table), latency (on a device), flops (MMACs) or params (millions). */
  @IsIn(['accuracy', 'latency', 'flops', 'params'])
  metric: 'accuracy' | 'latency' | 'flops' | 'params';

  /** For `accuracy`: the accuracy table, e.g. `cifar100`. */
  @IsOptional()
  @Matches(SLUG, { message: 'must be a dataset name like cifar100' })
  dataset?: string;

  /** For `latency`: the device id, e.g. `pixel3` (see GET /devices). */
  @IsOptional()
  @Matches(SLUG, { message: 'must be a device id like pixel3' })
  device?: string;

  /** Objectives only: maximize or minimize (default: max for accuracy, min otherwise). */
  @IsOptional()
  @IsIn(['min', 'max'])
  goal?: 'min' | 'max';

  /** Constraints only: upper limit (ms for latency, percent for accuracy). */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  max?: number;

  /** Constraints only: lower limit. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  min?: number;
}

export class BudgetDto {
  /** Distinct architectures to evaluate. */
  @IsInt()
  @Min(1)
  evaluations: number;
}

export class VerificationDto {
  /**
   * Archs the search may measure on the device to verify its answer (default 10; 0 returns only an arch
   * whose latency was already measured, e.g. during calibration).
   * @example 6
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  maxMeasurements?: number;

  /**
   * OFA searches (accuracy from a supernet's predictor, latency on a farm device): how many of the best
   * candidates by predicted accuracy to measure on the device and score on the validation split by the
   * supernet (BN recalibrated), the answer being the most accurate of those within the budget. 0 skips it.
   * @example 5
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(50)
  accuracyTopK?: number;
}

export class CreateSearchDto {
  /** A label for your own use. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  /** Design space id (GET /search-spaces). */
  @IsString()
  @Matches(SLUG, { message: 'must be a search space id like nasbench201' })
  searchSpace: string;

  @IsIn(['evolution', 'regularized-evolution', 'nsga2', 'random', 'ofa'])
  algorithm: 'evolution' | 'regularized-evolution' | 'nsga2' | 'random' | 'ofa';

  @IsArray()
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => MetricRefDto)
  objectives: MetricRefDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @ValidateNested({ each: true })
  @Type(() => MetricRefDto)
  constraints?: MetricRefDto[];

  @ValidateNested()
  @Type(() => BudgetDto)
  budget: BudgetDto;

  /** Seed of the search's random generator (default 0); the same request and seed give the same search. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;

  /** Algorithm options, e.g. `{"populationSize": 50}` (see the algorithm list in GET /search-spaces docs). */
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;

  /** How many of the best candidates the result lists (default 10). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  topK?: number;

  /**
   * For a latency constraint on a farm device without a latency table: its latencies are predicted by the
   * device's calibrated predictor (calibrated first when it has none), and the returned arch is one whose
   * latency was then measured on the device within the budget. Ignored for tabled devices.
   * @example {"maxMeasurements": 6}
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => VerificationDto)
  verification?: VerificationDto;
}

export const CREATE_SEARCH_EXAMPLE = {
  searchSpace: 'nasbench201',
  algorithm: 'evolution',
  objectives: [{ metric: 'accuracy', dataset: 'cifar100', goal: 'max' }],
  constraints: [{ metric: 'latency', device: 'pixel3', max: 12 }],
  budget: { evaluations: 1000 },
  seed: 1,
};

export class ListSearchesQuery {
  @IsOptional()
  @IsIn(['queued', 'running', 'succeeded', 'failed', 'cancelled'])
  status?: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}
