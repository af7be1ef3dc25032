import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { SUPERNET_RANGES } from '@tailor/engine';

const [EPOCHS_MIN, EPOCHS_MAX] = SUPERNET_RANGES.epochs;

/** Epochs per progressive-shrinking phase, in this order; 0 skips a phase (full needs at least 1). */
export class SupernetEpochsDto {
  /** The largest network alone; the later phases distil from it. */
  @IsInt() @Min(EPOCHS_MIN) @Max(EPOCHS_MAX) full: number;
  /** Random kernel sizes per block. */
  @IsInt() @Min(EPOCHS_MIN) @Max(EPOCHS_MAX) kernel: number;
  /** Random depths per stage as well. */
  @IsInt() @Min(EPOCHS_MIN) @Max(EPOCHS_MAX) depth: number;
  /** Random expand ratios and width as well: every subnet of the space. */
  @IsInt() @Min(EPOCHS_MIN) @Max(EPOCHS_MAX) expand: number;
}

export class CreateSupernetDto {
  /** An elastic space with a supernet: today only `fmnist-mbv3` (trained on Fashion-MNIST). */
  @IsString() @MaxLength(64) searchSpace: string;
  /** Epochs per phase (default full 4, kernel 1, depth 1, expand 2). */
  @IsOptional() @ValidateNested() @Type(() => SupernetEpochsDto) epochs?: SupernetEpochsDto;
  /** Training images drawn (seeded) per epoch, at least batchSize (default: the whole 55,000-image split). */
  @IsOptional()
  @IsInt()
  @Min(SUPERNET_RANGES.imagesPerEpoch[0])
  @Max(SUPERNET_RANGES.imagesPerEpoch[1])
  imagesPerEpoch?: number;
  /** Images per step (default 64). */
  @IsOptional()
  @IsInt()
  @Min(SUPERNET_RANGES.batchSize[0])
  @Max(SUPERNET_RANGES.batchSize[1])
  batchSize?: number;
  /** Seeds initialisation, batches and sampled subnets: the same request trains the same weights (default 1). */
  @IsOptional() @IsInt() @Min(SUPERNET_RANGES.seed[0]) @Max(SUPERNET_RANGES.seed[1]) seed?: number;
  /** Training images that recalibrate batch norm before each epoch-end validation (default 1000). */
  @IsOptional()
  @IsInt()
  @Min(SUPERNET_RANGES.calibrationImages[0])
  @Max(SUPERNET_RANGES.calibrationImages[1])
  calibrationImages?: number;
  /** Validation images scored at each epoch end for the largest and smallest subnets (default 1000). */
  @IsOptional()
  @IsInt()
  @Min(SUPERNET_RANGES.validationImages[0])
  @Max(SUPERNET_RANGES.validationImages[1])
  validationImages?: number;
}

export const CREATE_SUPERNET_EXAMPLE = {
  searchSpace: 'fmnist-mbv3',
  epochs: { full: 4, kernel: 1, depth: 1, expand: 2 },
  imagesPerEpoch: 10000,
  batchSize: 64,
  seed: 1,
};

export class ListSupernetsQuery {
  @IsOptional() @IsString() @MaxLength(64) searchSpace?: string;
}
