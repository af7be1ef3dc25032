import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { SearchSpacesService } from '@tailor/engine';
import { InspectArchsDto, SampleDto } from './sample.dto';

@ApiTags('search spaces')
@ApiBearerAuth()
@Controller('search-spaces')
export class SearchSpacesController {
  constructor(private readonly spaces: SearchSpacesService) {}

  /** The design spaces Tailor searches (from search-spaces/*.json). */
  @Get()
  list() {
    return this.spaces.list();
  }

  /** One space with its full definition and encoding layout. */
  @Get(':id')
  get(@Param('id') id: string) {
    return this.spaces.describe(id);
  }

  /** Validates archs and returns their canonical key, FLOPs, parameters and predictor encoding. */
  @Post(':id/archs')
  @HttpCode(200)
  @ApiBody({
    type: InspectArchsDto,
    examples: {
      nasbench201: {
        value: {
          archs: [
            '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|',
          ],
        },
      },
    },
  })
  inspect(@Param('id') id: string, @Body() body: InspectArchsDto) {
    return this.spaces.inspect(id, body.archs);
  }

  /** Random archs of the space (seeded), with analytic FLOPs and parameters. */
  @Post(':id/sample')
  @HttpCode(200)
  @ApiBody({ type: SampleDto, examples: { five: { value: { count: 5, seed: 1 } } } })
  sample(@Param('id') id: string, @Body() body: SampleDto) {
    return this.spaces.sample(id, body.count, body.seed ?? 0);
  }
}
