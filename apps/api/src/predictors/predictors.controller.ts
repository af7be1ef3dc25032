import { Body, Controller, Get, HttpCode, Param, Post, Query, UploadedFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { TailorError } from '@tailor/common';
import { PredictorsService, type Principal } from '@tailor/engine';
import { AdminOnly, CurrentPrincipal } from '../http/auth';
import { FileUpload, requireFile } from '../http/file-upload';
import { uuidParam } from '../http/params';
import { CREATE_PREDICTOR_EXAMPLE, CreatePredictorDto, ListPredictorsQuery } from './predictors.dto';

export const MAX_PREDICTOR_FILE_BYTES = 32 * 1024 * 1024;

/** Meta-trained latency predictors, versioned per search space. */
@ApiTags('predictors')
@ApiBearerAuth()
@Controller('predictors')
export class PredictorsController {
  constructor(private readonly predictors: PredictorsService) {}

  /** Meta-train a new predictor version on the space's recorded latency tables, in the background (202). */
  @Post()
  @HttpCode(202)
  @ApiBody({
    type: CreatePredictorDto,
    examples: {
      defaults: {
        summary: "NAS-Bench-201 with the file's metaTrain / metaValid devices",
        value: CREATE_PREDICTOR_EXAMPLE,
      },
      quick: {
        summary: 'A quick single-member predictor on chosen devices',
        value: {
          searchSpace: 'nasbench201',
          sourceDevices: ['1080ti_1', 'silver_4114', 'samsung_a50', 'pixel3'],
          validationDevices: ['titanx_1', 'gold_6240'],
          options: { steps: 500, members: 1 },
        },
      },
    },
  })
  async create(@Body() body: CreatePredictorDto, @CurrentPrincipal() who: Principal) {
    const p = await this.predictors.create(body, who);
    return { id: p.id, searchSpace: p.searchSpace, version: p.version, status: p.status };
  }

  /**
   * Register a predictor file written by `tailor predictor train` as the space's next, succeeded
   * version (201). The file is checked whole (format, version, space, weights that load); a refused
   * file stores nothing. `serve` imports the shipped fmnist-mbv3 predictor this way at start.
   */
  @Post('import')
  @AdminOnly()
  @FileUpload(MAX_PREDICTOR_FILE_BYTES, 'curl -F file=@device-farm/data/fmnist-mbv3-predictor.json')
  import(
    @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined,
    @CurrentPrincipal() who: Principal,
  ) {
    const upload = requireFile(file, 'the predictor file');
    let json: unknown;
    try {
      json = JSON.parse(upload.buffer.toString('utf8'));
    } catch (err) {
      throw new TailorError('INVALID_ARGUMENT', `is not JSON: ${(err as Error).message}`, 'file');
    }
    return this.predictors.importFile(json, who, upload.originalname || 'an upload');
  }

  /** Every predictor (optionally of one space), newest first; without weights. */
  @Get()
  list(@Query() q: ListPredictorsQuery) {
    return this.predictors.list(q.searchSpace);
  }

  /** Status, training progress, devices, and the Spearman reached on each validation device. */
  @Get(':id')
  get(@Param('id', uuidParam) id: string) {
    return this.predictors.get(id);
  }
}
