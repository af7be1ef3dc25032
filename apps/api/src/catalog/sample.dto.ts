import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, Max, Min } from 'class-validator';

export class SampleDto {
  /** How many architectures to draw (1–1000). */
  @IsInt()
  @Min(1)
  @Max(1000)
  count: number;

  /** Seed; the same seed gives the same archs. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;
}

export class InspectArchsDto {
  /** Architectures as canonical strings or the space's JSON form (1–1000). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  archs: unknown[];
}
