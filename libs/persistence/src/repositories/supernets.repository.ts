import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type FindOptionsWhere, type Repository } from 'typeorm';
import { SupernetEntity, type JsonObject, type SupernetStatus } from '../entities';
import { mapDbErrors } from './db-errors';
import { row } from './query-values';

export interface NewSupernet {
  searchSpace: string;
  config: JsonObject;
  createdBy: string | null;
}

export interface ShippedSupernet {
  searchSpace: string;
  config: JsonObject;
  progress: JsonObject | null;
  history: JsonObject[];
  checkpointDir: string;
  finishedAt: Date;
}

export type SupernetPatch = Partial<
  Pick<SupernetEntity, 'status' | 'progress' | 'history' | 'error' | 'startedAt' | 'finishedAt'>
>;

export type SupernetRow = Omit<SupernetEntity, 'creator'>;

@Injectable()
export class SupernetsRepository {
  private readonly repo: Repository<SupernetEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(SupernetEntity);
  }

  /** Inserts a queued training job; `checkpointDirOf` places its folder from the new id. */
  create(s: NewSupernet, checkpointDirOf: (id: string) => string): Promise<SupernetRow> {
    return mapDbErrors('supernet', async () => {
      const id = randomUUID();
      await this.repo.insert(
        row<SupernetEntity>({
          id,
          ...s,
          status: 'queued',
          source: 'trained',
          progress: null,
          history: [],
          checkpointDir: checkpointDirOf(id),
        }),
      );
      return this.repo.findOneByOrFail({ id });
    });
  }

  /**
   * Registers a finished checkpoint shipped with Tailor as succeeded, unless its folder is registered
   * already (concurrent starts included: the folder is unique). Returns the new row, or null.
   */
  createShipped(s: ShippedSupernet): Promise<SupernetRow | null> {
    return mapDbErrors('supernet', async () => {
      const id = randomUUID();
      const result = await this.repo
        .createQueryBuilder()
        .insert()
        .values(row<SupernetEntity>({ id, ...s, status: 'succeeded', source: 'shipped', createdBy: null }))
        .orIgnore()
        .returning(['id'])
        .execute();
      return (result.raw as unknown[]).length ? this.repo.findOneBy({ id }) : null;
    });
  }

  get(id: string): Promise<SupernetRow | null> {
    return mapDbErrors('supernet', () => this.repo.findOneBy({ id }));
  }

  /** Newest first. */
  list(searchSpace?: string): Promise<SupernetRow[]> {
    const where: FindOptionsWhere<SupernetEntity> = searchSpace ? { searchSpace } : {};
    return mapDbErrors('supernets', () =>
      this.repo.find({ where, order: { createdAt: 'DESC', id: 'DESC' } }),
    );
  }

  /**
   * Claims a job: queued → running, or running → running when a restarted server picks up a job that
   * was cut off (it resumes from its checkpoint folder). Null when gone, finished or cancelled.
   */
  markStarted(id: string): Promise<SupernetRow | null> {
    return mapDbErrors('supernet', async () => {
      const { affected } = await this.repo
        .createQueryBuilder()
        .update()
        .set({ status: 'running', startedAt: () => 'COALESCE(started_at, now())' })
        .where(`id = :id AND status IN ('queued', 'running')`, { id })
        .execute();
      return affected ? this.repo.findOneBy({ id }) : null;
    });
  }

  /**
   * Applies `patch` only while the status is one of `onlyIf` (a compare-and-set: a cancel that lands
   * meanwhile is never overwritten). Returns whether a row changed.
   */
  async update(id: string, patch: SupernetPatch, onlyIf: SupernetStatus[]): Promise<boolean> {
    return mapDbErrors('supernet', async () => {
      const { affected } = await this.repo
        .createQueryBuilder()
        .update()
        .set(row<SupernetEntity>(patch))
        .where('id = :id AND status IN (:...statuses)', { id, statuses: onlyIf })
        .execute();
      return Boolean(affected);
    });
  }

  async getStatus(id: string): Promise<SupernetStatus | null> {
    const found = await mapDbErrors('supernet', () =>
      this.repo.findOne({ where: { id }, select: { id: true, status: true } }),
    );
    return found?.status ?? null;
  }

  /** Deletes a job that could not be queued, so a failed submit leaves nothing behind. */
  async remove(id: string): Promise<void> {
    await mapDbErrors('supernet', () => this.repo.delete({ id }));
  }

  /** Oldest first: at start the API re-queues these in submission order. */
  listByStatus(statuses: SupernetStatus[]): Promise<SupernetRow[]> {
    return mapDbErrors('supernets', () =>
      this.repo.find({ where: { status: In(statuses) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }
}
