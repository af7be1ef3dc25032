import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Min,
} from 'class-validator';
import { EXPORT_FORMATS, type ExportFormat } from '@tailor/persistence';

const SMALLEST_FMNIST = 'w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x';

export class CreateExportDto {
  /** The subnet: a canonical arch string of the supernet's space, or its structured form `{ks, e, d, w}`. */
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object' }], example: SMALLEST_FMNIST })
  @IsDefined()
  arch: unknown;

  /** Files to write (default both): `onnx` (model.onnx, opset 13) and `tfjs` (model.json + weight shards). */
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, isArray: true, example: ['onnx', 'tfjs'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EXPORT_FORMATS.length)
  @IsIn(EXPORT_FORMATS, { each: true })
  formats?: ExportFormat[];

  /** A farm device (`GET /api/v1/devices`) whose agents time the exported model once it is verified. */
  @ApiPropertyOptional({ example: 'local-onnx' })
  @IsOptional()
  @IsString()
  device?: string;
}

export class CreateSearchExportDto {
  /**
   * Which candidate of the search: 0 (default) is its answer; for an OFA search the validated
   * candidates in order of validation accuracy, otherwise the answer then the rest of its top-k.
   */
  @ApiPropertyOptional({ minimum: 0, default: 0, example: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  candidate?: number;

  /** Files to write (default both). */
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, isArray: true, example: ['onnx', 'tfjs'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EXPORT_FORMATS.length)
  @IsIn(EXPORT_FORMATS, { each: true })
  formats?: ExportFormat[];
}

export const CREATE_EXPORT_EXAMPLE = { arch: SMALLEST_FMNIST, formats: ['onnx', 'tfjs'] };

export class DownloadExportQuery {
  /** `onnx` sends model.onnx; `tfjs` sends a .tar of model.json and its weight shards. */
  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat;
}

/** What `GET /exports/{id}` returns for a succeeded export (abridged: one file per format). */
export const EXPORT_VIEW_EXAMPLE = {
  id: '5b0c8a52-3f0e-4d1a-9c61-2f3e9a0b7c11',
  supernetId: '0e6f1c2a-8b7d-4c3e-a1f0-9d8e7c6b5a40',
  searchSpace: 'fmnist-mbv3',
  arch: SMALLEST_FMNIST,
  formats: ['onnx', 'tfjs'],
  status: 'succeeded',
  progress: { stage: 'verifying', stageIndex: 3, stages: 4, at: '2026-01-02T03:04:05.000Z' },
  result: {
    params: 0.0299,
    flops: 2.0,
    calibration: { images: 2000, seed: 0 },
    testImages: 10000,
    subnetAccuracy: 0.7318,
    maxAbsDiff: 2.4e-6,
    onnx: { opset: 13, files: [{ name: 'model.onnx', bytes: 137304, sha256: 'a3f1…' }], accuracy: 0.7318 },
    tfjs: {
      files: [
        { name: 'model.json', bytes: 38211, sha256: '9c0e…' },
        { name: 'group1-shard1of1.bin', bytes: 119416, sha256: '17bd…' },
      ],
      archive: { name: 'tfjs.tar', bytes: 160256, sha256: '5e2a…' },
      accuracy: 0.7318,
    },
    latency: { device: 'local-onnx', ms: 0.41, budgetMs: 1, withinBudget: true },
    seconds: 41.3,
  },
  downloads: {
    onnx: { fileName: 'w0.75-d1111-ks3333-e2222-5b0c8a52.onnx', bytes: 137304, sha256: 'a3f1…' },
    tfjs: { fileName: 'w0.75-d1111-ks3333-e2222-5b0c8a52.tar', bytes: 160256, sha256: '5e2a…' },
  },
  error: null,
  search: null,
};
