import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type FindOptionsSelect, type FindOptionsWhere, type Repository } from 'typeorm';
import { TailorError } from '@tailor/common';
import { PredictorEntity, type JsonObject, type ModelJobStatus } from '../entities';
import { mapDbErrors } from './db-errors';
import { row } from './query-values';

export interface NewPredictor {
  searchSpace: string;
  options: JsonObject;
  sourceDevices: string[];
  validationDevices: string[];
  progress: JsonObject;
  createdBy: string | null;
}

export type PredictorPatch = Partial<
  Pick<
    PredictorEntity,
    'status' | 'progress' | 'validation' | 'snapshot' | 'error' | 'startedAt' | 'finishedAt'
  >
>;

/** A predictor without its snapshot (hundreds of KB of weights): for views, lists and job state. */
export type PredictorSummary = Omit<PredictorEntity, 'snapshot' | 'creator'>;

const SUMMARY: FindOptionsSelect<PredictorEntity> = {
  id: true,
  searchSpace: true,
  version: true,
  status: true,
  options: true,
  sourceDevices: true,
  validationDevices: true,
  progress: true,
  validation: true,
  error: true,
  createdBy: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
};

/** Two creates for the same space may pick the same next version; the loser retries. */
const VERSION_TRIES = 5;

@Injectable()
export class PredictorsRepository {
  private readonly repo: Repository<PredictorEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(PredictorEntity);
  }

  /** Inserts a queued predictor with the space's next version (1 for the first). */
  create(p: NewPredictor): Promise<PredictorSummary> {
    return this.insert(p, null);
  }

  /**
   * Inserts a predictor trained elsewhere (a predictor file) as succeeded, with the space's next
   * version, in one statement: it is never seen queued, so no restart tries to train it.
   */
  createSucceeded(
    p: NewPredictor & { snapshot: JsonObject; validation: Record<string, number> },
  ): Promise<PredictorSummary> {
    return this.insert(p, { snapshot: p.snapshot, validation: p.validation });
  }

  private async insert(
    p: NewPredictor,
    trained: { snapshot: JsonObject; validation: Record<string, number> } | null,
  ): Promise<PredictorSummary> {
    for (let attempt = 1; ; attempt++) {
      const id = randomUUID();
      try {
        await mapDbErrors('predictor', () =>
          this.dataSource.query(
            `INSERT INTO predictors (id, search_space, version, status, options, source_devices,
                                     validation_devices, progress, created_by, snapshot, validation,
                                     started_at, finished_at)
             SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $8, $3, $4, $5, $6, $7, $9, $10, $11, $11
               FROM predictors WHERE search_space = $2`,
            [
              id,
              p.searchSpace,
              JSON.stringify(p.options),
              JSON.stringify(p.sourceDevices),
              JSON.stringify(p.validationDevices),
              JSON.stringify(p.progress),
              p.createdBy,
              trained ? 'succeeded' : 'queued',
              trained ? JSON.stringify(trained.snapshot) : null,
              trained ? JSON.stringify(trained.validation) : null,
              trained ? new Date() : null,
            ],
          ),
        );
        return (await this.getSummary(id))!;
      } catch (err) {
        const versionTaken =
          err instanceof TailorError &&
          err.details?.constraint === 'uq_predictors_space_version' &&
          attempt < VERSION_TRIES;
        if (!versionTaken) throw err;
      }
    }
  }

  /** With the snapshot. */
  get(id: string): Promise<PredictorEntity | null> {
    return mapDbErrors('predictor', () => this.repo.findOneBy({ id }));
  }

  getSummary(id: string): Promise<PredictorSummary | null> {
    return mapDbErrors('predictor', () => this.repo.findOne({ where: { id }, select: SUMMARY }));
  }

  /** Newest first (by space, then version). */
  list(searchSpace?: string): Promise<PredictorSummary[]> {
    const where: FindOptionsWhere<PredictorEntity> = searchSpace ? { searchSpace } : {};
    return mapDbErrors('predictors', () =>
      this.repo.find({ select: SUMMARY, where, order: { createdAt: 'DESC', version: 'DESC' } }),
    );
  }

  /** The highest succeeded version of a space, without the snapshot. */
  latestSucceeded(searchSpace: string): Promise<PredictorSummary | null> {
    return mapDbErrors('predictor', () =>
      this.repo.findOne({
        select: SUMMARY,
        where: { searchSpace, status: 'succeeded' },
        order: { version: 'DESC' },
      }),
    );
  }

  /**
   * Claims a predictor for training: queued → running, or running → running when a restarted server
   * picks up a job that was cut off (training starts over; it keeps no checkpoint). Returns null when
   * it is gone or already finished.
   */
  markStarted(id: string): Promise<PredictorSummary | null> {
    return mapDbErrors('predictor', async () => {
      const { affected } = await this.repo
        .createQueryBuilder()
        .update()
        .set({ status: 'running', startedAt: () => 'now()' })
        .where(`id = :id AND status IN ('queued', 'running')`, { id })
        .execute();
      return affected ? this.getSummary(id) : null;
    });
  }

  async update(id: string, patch: PredictorPatch): Promise<void> {
    await mapDbErrors('predictor', () => this.repo.update({ id }, row<PredictorEntity>(patch)));
  }

  /** Deletes a predictor that could not be queued, so a failed submit leaves nothing behind. */
  async remove(id: string): Promise<void> {
    await mapDbErrors('predictor', () => this.repo.delete({ id }));
  }

  /** Oldest first: at start the API re-queues these in submission order. */
  listByStatus(statuses: ModelJobStatus[]): Promise<PredictorSummary[]> {
    return mapDbErrors('predictors', () =>
      this.repo.find({
        select: SUMMARY,
        where: { status: In(statuses) },
        order: { createdAt: 'ASC', id: 'ASC' },
      }),
    );
  }
}
