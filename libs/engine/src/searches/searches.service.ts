import { Inject, Injectable, Logger } from '@nestjs/common';
import { invalid, notFound, TailorError } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import { type JsonObject, SearchesRepository } from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import type { Principal } from '../api-keys/principal';
import { TAILOR_CONFIG } from '../tokens';
import { checkFeasible } from './feasibility';
import { SearchProblemFactory } from './search-problem.factory';
import type { SearchRequest } from './search-request';
import { fromRow } from './evaluation-rows';
import {
  candidateView,
  type SearchRow,
  searchView,
  type SearchResultView,
  type SearchStatus,
  TERMINAL,
} from './search-views';

export const SEARCH_JOB = 'search';
export const SEARCH_ATTEMPTS = 3;

const emptyResult = (): SearchResultView => ({
  best: null,
  topK: [],
  pareto: [],
  evaluations: 0,
  deviceMeasurements: 0,
});

@Injectable()
export class SearchesService {
  private readonly log = new Logger('Searches');

  constructor(
    private readonly searches: SearchesRepository,
    private readonly factory: SearchProblemFactory,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  /** Validates everything before the first write, so a rejected request stores nothing. */
  async submit(req: SearchRequest, by: Principal) {
    const max = this.config.limits.maxEvaluations;
    if (req.budget.evaluations > max)
      throw invalid('budget.evaluations', `must be at most ${max}, got ${req.budget.evaluations}`);
    const prepared = await this.factory.prepare(req);
    const feasibleInSpace = checkFeasible(prepared);
    const progress = { evaluations: 0, budget: req.budget.evaluations, rounds: 0, feasible: 0, percent: 0 };
    const row = await this.searches.create({
      ownerKeyId: by.keyId,
      request: { ...req, feasibleInSpace } as unknown as JsonObject,
      progress,
    });
    try {
      await this.queue.add(SEARCH_JOB, { searchId: row.id }, { jobId: row.id, attempts: SEARCH_ATTEMPTS });
    } catch (err) {
      await this.searches.remove(row.id);
      throw err;
    }
    this.log.log(
      `search ${row.id} queued (${req.searchSpace}, ${req.algorithm}, ${req.budget.evaluations} evaluations)`,
    );
    return searchView(row as SearchRow);
  }

  async get(id: string, by: Principal) {
    return searchView(await this.row(id, by));
  }

  async list(by: Principal, query: { status?: SearchStatus; limit: number; offset: number }) {
    const { items, total } = await this.searches.list({
      ownerKeyId: by.role === 'admin' ? undefined : by.keyId,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
    return {
      items: items.map((r) => searchView(r as SearchRow)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async result(id: string, by: Principal): Promise<SearchResultView & { status: SearchStatus }> {
    const row = await this.row(id, by);
    if (!row.result)
      throw new TailorError(
        'CONFLICT',
        `search ${id} is ${row.status}; its result is ready when it ends`,
        'id',
      );
    return { status: row.status as SearchStatus, ...(row.result as SearchResultView) };
  }

  /**
   * Cancelling keeps the best found so far. A queued search ends at once with an empty result; a
   * running one is stopped by its runner at the next round, which then writes the result.
   */
  async cancel(id: string, by: Principal) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await this.row(id, by);
      const status = row.status as SearchStatus;
      if (TERMINAL.includes(status))
        throw new TailorError('CONFLICT', `search ${id} already ${status}`, 'id');
      const patch =
        status === 'queued'
          ? {
              status: 'cancelled' as const,
              result: emptyResult() as unknown as JsonObject,
              finishedAt: new Date(),
            }
          : { status: 'cancelled' as const };
      // Compare-and-set on the status read above, so a search that starts meanwhile is handled as running.
      if (await this.searches.update(id, patch, { status: [status] }))
        return searchView(await this.row(id, by));
    }
    throw new TailorError('CONFLICT', `search ${id} changed state while cancelling; try again`, 'id');
  }

  async evaluations(id: string, by: Principal, page: { limit: number; offset: number }) {
    await this.row(id, by);
    const [rows, total] = await Promise.all([
      this.searches.listEvaluations(id, page),
      this.searches.countEvaluations(id),
    ]);
    return { items: rows.map(fromRow).map(candidateView), total, limit: page.limit, offset: page.offset };
  }

  /** Every evaluation record, for plots. */
  async allEvaluations(id: string, by: Principal) {
    await this.row(id, by);
    return (await this.searches.listEvaluations(id, {})).map(fromRow);
  }

  async row(id: string, by: Principal): Promise<SearchRow> {
    const row = (await this.searches.getSummary(id)) as SearchRow | null;
    // Another user's search is reported as missing, not forbidden, so ids leak nothing.
    if (!row || (by.role !== 'admin' && row.ownerKeyId !== by.keyId)) throw notFound('id', `no search ${id}`);
    return row;
  }
}
