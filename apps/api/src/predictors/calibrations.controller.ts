import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CalibrationsService, type Principal } from '@tailor/engine';
import { CurrentPrincipal } from '../http/auth';
import { uuidParam } from '../http/params';
import { CalibrateDto, ListCalibrationsQuery } from './predictors.dto';

/** Adapting the newest predictor of a space to a device with a few measurements. */
@ApiTags('calibrations')
@ApiBearerAuth()
@Controller()
export class CalibrationsController {
  constructor(private readonly calibrations: CalibrationsService) {}

  /**
   * Calibrate a device (202): its reference archs and a few archs the predictor is least sure about
   * are measured (farm devices through the farm, recorded devices from their table), then scored on
   * held-out archs. See GET /calibrations/{id}.
   */
  @Post('devices/:id/calibrate')
  @HttpCode(202)
  @ApiBody({
    type: CalibrateDto,
    examples: {
      defaults: { summary: '10 shots, 5 held-out archs', value: { searchSpace: 'nasbench201' } },
      more: {
        summary: 'More shots and a larger held-out set',
        value: { searchSpace: 'fmnist-mbv3', samples: 20, validationArchs: 10 },
      },
    },
  })
  calibrate(@Param('id') id: string, @Body() body: CalibrateDto, @CurrentPrincipal() who: Principal) {
    return this.calibrations.calibrate(id, body, who);
  }

  /** The device's calibrations, newest first; predictions use its newest succeeded one per space. */
  @Get('devices/:id/calibrations')
  list(@Param('id') id: string, @Query() q: ListCalibrationsQuery) {
    return this.calibrations.listForDevice(id, q.searchSpace);
  }

  /** Status, progress, measured archs and quality on the held-out archs. */
  @Get('calibrations/:id')
  get(@Param('id', uuidParam) id: string) {
    return this.calibrations.get(id);
  }
}
