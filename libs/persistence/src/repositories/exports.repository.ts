import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type Repository } from 'typeorm';
import { ExportEntity, type ExportFormat, type ExportStatus } from '../entities';
import { mapDbErrors } from './db-errors';
import { row } from './query-values';

export interface NewExport {
  supernetId: string;
  searchSpace: string;
  arch: string;
  formats: ExportFormat[];
  createdBy: string | null;
  searchId?: string | null;
  candidateIndex?: number | null;
  deviceId?: string | null;
}

export type ExportPatch = Partial<
  Pick<ExportEntity, 'status' | 'progress' | 'result' | 'error' | 'startedAt' | 'finishedAt'>
>;

export type ExportRow = Omit<ExportEntity, 'creator' | 'supernet' | 'search'>;

@Injectable()
export class ExportsRepository {
  private readonly repo: Repository<ExportEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(ExportEntity);
  }

  /** Inserts a queued export; `dirOf` places its folder from the new id. */
  create(e: NewExport, dirOf: (id: string) => string): Promise<ExportRow> {
    return mapDbErrors('export', async () => {
      const id = randomUUID();
      await this.repo.insert(
        row<ExportEntity>({
          id,
          ...e,
          searchId: e.searchId ?? null,
          candidateIndex: e.candidateIndex ?? null,
          deviceId: e.deviceId ?? null,
          status: 'queued',
          progress: null,
          result: null,
          dir: dirOf(id),
        }),
      );
      return this.repo.findOneByOrFail({ id });
    });
  }

  get(id: string): Promise<ExportRow | null> {
    return mapDbErrors('export', () => this.repo.findOneBy({ id }));
  }

  /**
   * Claims a job: queued → running, or running → running when a restarted server picks up an export
   * that was cut off (it starts over: the files are rewritten byte for byte). Null when gone or ended.
   */
  markStarted(id: string): Promise<ExportRow | null> {
    return mapDbErrors('export', async () => {
      const { affected } = await this.repo
        .createQueryBuilder()
        .update()
        .set({ status: 'running', startedAt: () => 'now()' })
        .where(`id = :id AND status IN ('queued', 'running')`, { id })
        .execute();
      return affected ? this.repo.findOneBy({ id }) : null;
    });
  }

  /** Applies `patch` only while the status is one of `onlyIf`; returns whether a row changed. */
  update(id: string, patch: ExportPatch, onlyIf: ExportStatus[]): Promise<boolean> {
    return mapDbErrors('export', async () => {
      const { affected } = await this.repo
        .createQueryBuilder()
        .update()
        .set(row<ExportEntity>(patch))
        .where('id = :id AND status IN (:...statuses)', { id, statuses: onlyIf })
        .execute();
      return Boolean(affected);
    });
  }

  /** Deletes an export that could not be queued, so a failed submit leaves nothing behind. */
  async remove(id: string): Promise<void> {
    await mapDbErrors('export', () => this.repo.delete({ id }));
  }

  /** Oldest first: at start the API re-queues these in submission order. */
  listByStatus(statuses: ExportStatus[]): Promise<ExportRow[]> {
    return mapDbErrors('exports', () =>
      this.repo.find({ where: { status: In(statuses) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }

  count(): Promise<number> {
    return mapDbErrors('exports', () => this.repo.count());
  }
}
