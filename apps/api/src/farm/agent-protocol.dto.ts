import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { RUNTIME_NAMES } from '@tailor/measurement';

const FINITE = { allowNaN: false, allowInfinity: false } as const;

/** Per-run latencies in ms, as every attempt of a result carries them: 1–1000 finite numbers > 0. */
const LatencySamples = () =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(1000),
    IsNumber(FINITE, { each: true }),
    IsPositive({ each: true }),
  );

export class FingerprintDto {
  @IsString() @MinLength(1) @MaxLength(200) cpuModel: string;
  @IsInt() @Min(1) @Max(4096) cores: number;
  @IsNumber(FINITE) @Min(0) memoryGiB: number;
  @IsString() @MaxLength(200) os: string;
  @IsString() @MaxLength(32) arch: string;
  @IsString() @MaxLength(32) nodeVersion: string;
}

export class AgentRuntimeDto {
  /** tfjs-wasm, tfjs-cpu, tfjs-node, onnxruntime, or replay (answers from a recorded table). */
  @IsIn([...RUNTIME_NAMES, 'replay']) name: (typeof RUNTIME_NAMES)[number] | 'replay';
  @IsString() @MaxLength(64) version: string;
  @IsInt() @Min(1) @Max(256) threads: number;
  @IsInt() @Min(1) @Max(4096) batchSize: number;
}

export class ReplaySourceDto {
  @IsString() @MinLength(1) @MaxLength(64) device: string;
  @IsString() @MaxLength(64) searchSpace: string;
  @IsString() @MaxLength(255) file: string;
  @IsInt() @Min(1) archCount: number;
  @IsOptional() @IsString() @MaxLength(500) hardware?: string;
}

export class RegisterAgentDto {
  /** From POST /farm/enrollment-tokens (admin). */
  @IsString() @MinLength(8) @MaxLength(200) enrollmentToken: string;
  @IsString() @MinLength(1) @MaxLength(64) name: string;
  @IsString() @MaxLength(32) agentVersion: string;
  @ValidateNested() @Type(() => FingerprintDto) fingerprint: FingerprintDto;
  @ValidateNested() @Type(() => AgentRuntimeDto) runtime: AgentRuntimeDto;
  @IsOptional() @ValidateNested() @Type(() => ReplaySourceDto) replay?: ReplaySourceDto;
}

export class HeartbeatDto {
  @IsIn(['idle', 'measuring']) state: 'idle' | 'measuring';
  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsUUID('4', { each: true }) taskIds?: string[];
}

export class LeaseDto {
  /** At most this many tasks (default 1). */
  @IsOptional() @IsInt() @Min(1) @Max(16) max?: number;
  /** Long-poll for up to this many seconds (default 25). */
  @IsOptional() @IsNumber(FINITE) @Min(0) @Max(30) waitSec?: number;
}

export class ExtendLeasesDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(64) @IsUUID('4', { each: true }) taskIds: string[];
}

export class ResultAttemptDto {
  @LatencySamples()
  samples: number[];

  @IsArray() @ArrayMaxSize(1000) @IsInt({ each: true }) @Min(1, { each: true }) runsPerRepeat: number[];
}

export class ResultDto {
  /** Per-run latency (ms) of each timed repeat; finite and > 0. Statistics are computed by the server. */
  @LatencySamples()
  samples: number[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  runsPerRepeat?: number[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => ResultAttemptDto)
  attempts?: ResultAttemptDto[];

  /** null only for replayed results. */
  @ValidateIf((_, v) => v !== null) @IsNumber(FINITE) @Min(0) buildMs: number | null;
  @ValidateIf((_, v) => v !== null) @IsNumber(FINITE) @Min(0) firstRunMs: number | null;
  @IsBoolean() remeasured: boolean;
  @IsBoolean() noisy: boolean;
  @IsBoolean() replayed: boolean;
  @IsDateString({ strict: true }) startedAt: string;
  @IsDateString({ strict: true }) finishedAt: string;
}

export class FailureDto {
  @IsString() @MinLength(1) @MaxLength(2000) reason: string;
  /** false: retrying cannot help, the task fails now. */
  @IsBoolean() retryable: boolean;
  /** true: given back unmeasured (shutdown); does not count as an attempt. */
  @IsOptional() @IsBoolean() released?: boolean;
}
