import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { PredictorsService, type Principal } from '@tailor/engine';
import { CurrentPrincipal } from '../http/auth';
import { uuidParam } from '../http/params';
import { CREATE_PREDICTOR_EXAMPLE, CreatePredictorDto, ListPredictorsQuery } from './predictors.dto';

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
