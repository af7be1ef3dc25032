import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type FindOptionsSelect, type FindOptionsWhere, type Repository } from 'typeorm';
import { TailorError } from '@tailor/common';
import { SearchEntity, SearchEvaluationEntity, type JsonObject, type SearchStatus } from '../entities';
import { mapDbErrors } from './db-errors';
import { row, rows } from './query-values';

export interface NewSearch {
  ownerKeyId: string;
  request: JsonObject;
  progress: JsonObject;
}

export type SearchPatch = Partial<
  Pick<
    SearchEntity,
    'status' | 'progress' | 'best' | 'result' | 'checkpoint' | 'error' | 'startedAt' | 'finishedAt'
  >
>;

export interface EvaluationRecord {
  seq: number;
  archKey: string;
  arch: unknown;
  metrics: Record<string, unknown>;
  /** May be Infinity (stored as float8 'Infinity'). */
  violation: number;
  feasible: boolean;
}

export interface RoundPatch {
  checkpoint: JsonObject | null;
  progress: JsonObject;
  best: JsonObject | null;
}

export interface Page {
  limit?: number;
  offset?: number;
}

/** Every column but the checkpoint, which can be hundreds of KB and only the runner reads. */
const SUMMARY: FindOptionsSelect<SearchEntity> = {
  id: true,
  ownerKeyId: true,
  status: true,
  request: true,
  progress: true,
  best: true,
  result: true,
  error: true,
  attempts: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  updatedAt: true,
};

/** Postgres allows 65,535 bind parameters per statement; 7 per evaluation row stays well under. */
const MAX_ROWS_PER_INSERT = 5_000;

@Injectable()
export class SearchesRepository {
  private readonly repo: Repository<SearchEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(SearchEntity);
  }

  /** Creates a queued search. Throws CONFLICT if the owner key does not exist. */
  create(search: NewSearch): Promise<SearchEntity> {
    return mapDbErrors('search', async () => {
      const id = randomUUID();
      const { ownerKeyId, request, progress } = search;
      await this.repo.insert(
        row<SearchEntity>({ id, ownerKeyId, request, progress, status: 'queued', attempts: 0 }),
      );
      return this.repo.findOneByOrFail({ id });
    });
  }

  get(id: string): Promise<SearchEntity | null> {
    return mapDbErrors('search', () => this.repo.findOneBy({ id }));
  }

  /** The search without its checkpoint (`checkpoint` is undefined): for status pages and lists. */
  getSummary(id: string): Promise<SearchEntity | null> {
    return mapDbErrors('search', () => this.repo.findOne({ where: { id }, select: SUMMARY }));
  }

  /** Newest first. */
  async list(filter: {
    ownerKeyId?: string;
    status?: SearchStatus | SearchStatus[];
    limit: number;
    offset: number;
  }): Promise<{ items: SearchEntity[]; total: number }> {
    const where: FindOptionsWhere<SearchEntity> = {};
    if (filter.ownerKeyId !== undefined) where.ownerKeyId = filter.ownerKeyId;
    if (filter.status !== undefined)
      where.status = Array.isArray(filter.status) ? In(filter.status) : filter.status;
    const [items, total] = await mapDbErrors('searches', () =>
      this.repo.findAndCount({
        select: SUMMARY,
        where,
        order: { createdAt: 'DESC', id: 'DESC' },
        take: filter.limit,
        skip: filter.offset,
      }),
    );
    return { items, total };
  }

  /**
   * Applies `patch`; with `onlyIf.status`, only when the current status is one of those (a
   * compare-and-set, e.g. cancel only a queued or running search). Returns the updated search, or null
   * when it does not exist or the guard failed.
   */
  update(id: string, patch: SearchPatch, onlyIf?: { status: SearchStatus[] }): Promise<SearchEntity | null> {
    return mapDbErrors('search', async () => {
      const query = this.repo
        .createQueryBuilder()
        .update()
        .set(row<SearchEntity>(patch))
        .where('id = :id', { id });
      if (onlyIf) query.andWhere('status IN (:...statuses)', { statuses: onlyIf.status });
      const { affected } = await query.execute();
      return affected ? this.repo.findOneBy({ id }) : null;
    });
  }

  /**
   * Claims a search for a worker: sets it running, increments `attempts`, stamps `started_at` the first
   * time. A compare-and-set, so two workers cannot both start it:
   * - without `expectedAttempts`, only a `queued` search is claimed;
   * - with it (resuming a search found `running` after a restart), the search is claimed only if
   *   `attempts` still equals the value the caller read, so of two workers resuming the same search
   *   exactly one wins.
   * Returns the claimed search, or null if the claim lost (or the search is gone or finished).
   */
  markStarted(id: string, expectedAttempts?: number): Promise<SearchEntity | null> {
    return mapDbErrors('search', async () => {
      const query = this.repo
        .createQueryBuilder()
        .update()
        .set({
          status: 'running',
          attempts: () => 'attempts + 1',
          startedAt: () => 'COALESCE(started_at, now())',
        })
        .where('id = :id', { id });
      if (expectedAttempts === undefined) query.andWhere(`status = 'queued'`);
      else
        query.andWhere(`status IN ('queued', 'running') AND attempts = :expectedAttempts`, {
          expectedAttempts,
        });
      const { affected } = await query.execute();
      return affected ? this.repo.findOneBy({ id }) : null;
    });
  }

  /**
   * Persists one round in one transaction: the evaluations (one multi-row insert) and the search's
   * checkpoint, progress and best. Re-saving a round is a no-op for rows already stored
   * (ON CONFLICT (search_id, seq) DO NOTHING): a job retried after a crash between commit and ack replays
   * the same round from the same checkpoint and seed, and must not fail forever on its own earlier
   * write. Returns how many evaluation rows were new. Throws NOT_FOUND (and writes nothing) if the
   * search is gone.
   */
  saveRound(id: string, records: EvaluationRecord[], patch: RoundPatch): Promise<{ inserted: number }> {
    return mapDbErrors('search round', () =>
      this.dataSource.transaction(async (tx) => {
        const updated = await tx
          .createQueryBuilder()
          .update(SearchEntity)
          .set(
            row<SearchEntity>({ checkpoint: patch.checkpoint, progress: patch.progress, best: patch.best }),
          )
          .where('id = :id', { id })
          .execute();
        if (!updated.affected) throw new TailorError('NOT_FOUND', `no search ${id}`, 'id');
        let inserted = 0;
        for (let start = 0; start < records.length; start += MAX_ROWS_PER_INSERT) {
          const chunk = records.slice(start, start + MAX_ROWS_PER_INSERT);
          const result = await tx
            .createQueryBuilder()
            .insert()
            .into(SearchEvaluationEntity)
            .values(rows<SearchEvaluationEntity>(chunk.map((r) => ({ searchId: id, ...r }))))
            .orIgnore()
            .returning(['seq'])
            .execute();
          inserted += result.raw.length;
        }
        return { inserted };
      }),
    );
  }

  listEvaluations(id: string, page: Page = {}): Promise<SearchEvaluationEntity[]> {
    return mapDbErrors('search evaluations', () =>
      this.dataSource
        .getRepository(SearchEvaluationEntity)
        .find({ where: { searchId: id }, order: { seq: 'ASC' }, take: page.limit, skip: page.offset }),
    );
  }

  countEvaluations(id: string): Promise<number> {
    return mapDbErrors('search evaluations', () =>
      this.dataSource.getRepository(SearchEvaluationEntity).countBy({ searchId: id }),
    );
  }

  /** Only the status: the runner polls it every round to notice a cancel, so it must stay cheap. */
  async getStatus(id: string): Promise<SearchStatus | null> {
    const found = await mapDbErrors('search', () =>
      this.repo.findOne({ where: { id }, select: { id: true, status: true } }),
    );
    return found?.status ?? null;
  }

  /** Deletes a search that could not be queued, so a failed submit leaves nothing behind. */
  async remove(id: string): Promise<void> {
    await mapDbErrors('search', () => this.repo.delete({ id }));
  }

  /** Searches per status, for metrics. */
  async countByStatus(): Promise<Record<string, number>> {
    const raw = await mapDbErrors('searches', () =>
      this.repo
        .createQueryBuilder('s')
        .select('s.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .groupBy('s.status')
        .getRawMany<{ status: string; count: string }>(),
    );
    return Object.fromEntries(raw.map((r) => [r.status, Number(r.count)]));
  }

  /** Oldest first: at start the worker resumes or re-queues these in submission order. */
  listByStatus(statuses: SearchStatus[]): Promise<SearchEntity[]> {
    return mapDbErrors('searches', () =>
      this.repo.find({ where: { status: In(statuses) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }
}
