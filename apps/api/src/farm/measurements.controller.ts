import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { MeasurementBatchesService, type Principal } from '@tailor/engine';
import { CurrentPrincipal } from '../http/auth';
import { uuidParam } from '../http/params';
import { CreateMeasurementBatchDto, ListBatchTasksQuery, ListMeasurementsQuery } from './measurements.dto';

/** Measuring archs on farm devices, and reading what was measured. */
@ApiTags('measurements')
@ApiBearerAuth()
@Controller()
export class MeasurementsController {
  constructor(private readonly batches: MeasurementBatchesService) {}

  /** Queue archs for measurement on a farm device; returns the batch (202), see GET /measurement-batches/{id}. */
  @Post('devices/:id/measurements')
  @HttpCode(202)
  @ApiBody({
    type: CreateMeasurementBatchDto,
    examples: {
      sample: {
        summary: '50 random fmnist-mbv3 archs',
        value: { searchSpace: 'fmnist-mbv3', sample: { count: 50, seed: 1 } },
      },
      archs: {
        summary: 'Two given archs',
        value: {
          searchSpace: 'fmnist-mbv3',
          archs: [
            'w1.0-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x',
            'w1.0-d3,3,3,3-ks7,7,7,7,7,7,7,7,7,7,7,7-e4,4,4,4,4,4,4,4,4,4,4,4',
          ],
        },
      },
    },
  })
  create(
    @Param('id') id: string,
    @Body() body: CreateMeasurementBatchDto,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.batches.create(id, body, who);
  }

  /** Every measurement of the device (raw samples, statistics, provenance), oldest first. */
  @Get('devices/:id/measurements')
  list(@Param('id') id: string, @Query() q: ListMeasurementsQuery) {
    return this.batches.listMeasurements(id, {
      searchSpace: q.searchSpace,
      batchId: q.batch,
      limit: q.limit ?? 100,
      offset: q.offset ?? 0,
    });
  }

  /** Status of a measurement batch: counts by task status, percent done, failures with their reasons. */
  @Get('measurement-batches/:id')
  get(@Param('id', uuidParam) id: string) {
    return this.batches.get(id);
  }

  /** The batch's tasks in order, with status, attempts, failures and measured latency. */
  @Get('measurement-batches/:id/tasks')
  tasks(@Param('id', uuidParam) id: string, @Query() q: ListBatchTasksQuery) {
    return this.batches.tasks(id, { status: q.status, limit: q.limit ?? 100, offset: q.offset ?? 0 });
  }
}
