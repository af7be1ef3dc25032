import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { PredictService } from '@tailor/engine';
import { PredictLatencyDto } from './predictors.dto';

@ApiTags('predict')
@ApiBearerAuth()
@Controller('predict')
export class PredictController {
  constructor(private readonly predict: PredictService) {}

  /** Predicted latency (ms) with a 90 % interval for each arch on a calibrated device. */
  @Post('latency')
  @HttpCode(200)
  @ApiBody({
    type: PredictLatencyDto,
    examples: {
      nb201: {
        summary: 'Two NAS-Bench-201 cells on gold_6240',
        value: {
          searchSpace: 'nasbench201',
          device: 'gold_6240',
          archs: [
            '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|',
            '|nor_conv_1x1~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|avg_pool_3x3~2|',
          ],
        },
      },
    },
  })
  latency(@Body() body: PredictLatencyDto) {
    return this.predict.predict(body);
  }
}
