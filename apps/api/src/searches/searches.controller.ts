import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Principal, SearchesService } from '@tailor/engine';
import type { Response } from 'express';
import { AllowQueryToken, CurrentPrincipal } from '../http/auth';
import { uuidParam } from '../http/params';
import { CREATE_SEARCH_EXAMPLE, CreateSearchDto, ListSearchesQuery } from './create-search.dto';
import { SearchEventsService } from './search-events.service';
import { SearchPlotService } from './search-plot.service';

@ApiTags('searches')
@ApiBearerAuth()
@Controller('searches')
export class SearchesController {
  constructor(
    private readonly searches: SearchesService,
    private readonly events: SearchEventsService,
    private readonly plots: SearchPlotService,
  ) {}

  /** Submit a hardware-aware search; it runs in the background (202). */
  @Post()
  @HttpCode(202)
  @ApiBody({
    type: CreateSearchDto,
    examples: {
      pixel3: {
        summary: 'NAS-Bench-201, best CIFAR-100 accuracy under 12 ms on a Pixel 3',
        value: CREATE_SEARCH_EXAMPLE,
      },
      twoDevices: {
        summary: 'Two latency budgets at once, NSGA-II',
        value: {
          ...CREATE_SEARCH_EXAMPLE,
          algorithm: 'nsga2',
          objectives: [
            { metric: 'accuracy', dataset: 'cifar100', goal: 'max' },
            { metric: 'flops', goal: 'min' },
          ],
          constraints: [
            { metric: 'latency', device: 'pixel3', max: 12 },
            { metric: 'latency', device: 'samsung_a50', max: 20 },
          ],
        },
      },
      farmDevice: {
        summary: 'A farm device without a latency table: predicted latencies, answer verified by measuring',
        value: {
          ...CREATE_SEARCH_EXAMPLE,
          constraints: [{ metric: 'latency', device: 'replay-gold-6240', max: 10 }],
          budget: { evaluations: 300 },
          verification: { maxMeasurements: 6 },
        },
      },
    },
  })
  async create(@Body() body: CreateSearchDto, @CurrentPrincipal() who: Principal) {
    const s = await this.searches.submit(
      { ...body, constraints: body.constraints ?? [], seed: body.seed ?? 0 },
      who,
    );
    return { id: s.id, status: s.status, search: s };
  }

  /** Your searches (admins see all), newest first. */
  @Get()
  list(@Query() q: ListSearchesQuery, @CurrentPrincipal() who: Principal) {
    return this.searches.list(who, { status: q.status, limit: q.limit ?? 20, offset: q.offset ?? 0 });
  }

  /** Status, progress and the best candidate so far. */
  @Get(':id')
  get(@Param('id', uuidParam) id: string, @CurrentPrincipal() who: Principal) {
    return this.searches.get(id, who);
  }

  /** Best, top-k and Pareto front, each arch with its metrics (once the search has ended). */
  @Get(':id/result')
  result(@Param('id', uuidParam) id: string, @CurrentPrincipal() who: Principal) {
    return this.searches.result(id, who);
  }

  /** Every evaluated candidate in order (paginated). */
  @Get(':id/evaluations')
  evaluations(
    @Param('id', uuidParam) id: string,
    @Query() q: ListSearchesQuery,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.searches.evaluations(id, who, { limit: q.limit ?? 200, offset: q.offset ?? 0 });
  }

  /** Server-sent progress events (`progress`, then `end`); `?access_token=` works for EventSource. */
  @Get(':id/events')
  @AllowQueryToken()
  @ApiProduces('text/event-stream')
  async stream(@Param('id', uuidParam) id: string, @CurrentPrincipal() who: Principal, @Res() res: Response) {
    await this.searches.get(id, who);
    await this.events.stream(id, who, res);
  }

  /** Every evaluated candidate as accuracy against latency, with the budget line and the Pareto front. */
  @Get(':id/plot.svg')
  @ApiProduces('image/svg+xml')
  async plot(@Param('id', uuidParam) id: string, @CurrentPrincipal() who: Principal, @Res() res: Response) {
    const svg = await this.plots.render(id, who);
    res.type('image/svg+xml').send(svg);
  }

  /** Cancel; the best found so far is kept as the result. */
  @Delete(':id')
  cancel(@Param('id', uuidParam) id: string, @CurrentPrincipal() who: Principal) {
    return this.searches.cancel(id, who);
  }
}
