import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HealthService, MetricsService } from '@tailor/engine';
import type { Response } from 'express';

@ApiTags('operations')
@ApiBearerAuth()
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  /** Database and queue status; 503 when either is down. */
  @Get('health')
  async check(@Res() res: Response) {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }

  /** Prometheus text format. */
  @Get('metrics')
  @ApiProduces('text/plain')
  async scrape(@Res() res: Response) {
    const { contentType, body } = await this.metrics.render();
    res.type(contentType).send(body);
  }
}
