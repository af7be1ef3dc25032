import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { invalid, notFound, TailorError } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import { hasCheckpoint, readManifest, type TrainingState } from '@tailor/nn';
import { type JsonObject, type SupernetRow, SupernetsRepository } from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import { defaultSearchSpacesDir } from '@tailor/search-spaces';
import type { Principal } from '../api-keys/principal';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { TAILOR_CONFIG } from '../tokens';
import { type CreateSupernet, supernetTrainingConfig } from './supernet-request';
import { SUPERNET_FINISHED, savedCheckpoint, shippedSupernetDirs, supernetView } from './supernet-views';

export const SUPERNET_JOB = 'supernets';

/**
 * Once-for-all supernets trained by progressive shrinking as queued jobs (SupernetTrainer), each into
 * its own checkpoint folder under the data dir, plus the checkpoints Tailor ships, registered read-only.
 */
@Injectable()
export class SupernetsService {
  private readonly log = new Logger('Supernets');

  constructor(
    private readonly supernets: SupernetsRepository,
    private readonly spaces: SearchSpacesService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  /** Validates the whole request before the first write, so a rejected one stores nothing. */
  async create(req: CreateSupernet, who: Principal | null) {
    const config = supernetTrainingConfig(req);
    const space = this.spaces.get(req.searchSpace, 'searchSpace');
    if (!('spec' in space)) throw invalid('searchSpace', `${space.id} is not an elastic space`);
    const row = await this.supernets.create(
      { searchSpace: space.id, config: config as unknown as JsonObject, createdBy: who?.keyId ?? null },
      (id) => join(this.config.dataDir, 'supernets', id),
    );
    try {
      await this.queue.add(SUPERNET_JOB, { supernetId: row.id }, { jobId: row.id, attempts: 1 });
    } catch (err) {
      await this.supernets.remove(row.id);
      throw err;
    }
    const epochs = config.phases.map((p) => `${p.phase} ${p.epochs}`).join(', ');
    this.log.log(`supernet ${row.id} queued (${space.id}; epochs ${epochs}; batch ${config.batchSize})`);
    return supernetView(row);
  }

  async list(searchSpace?: string) {
    if (searchSpace !== undefined) this.spaces.get(searchSpace, 'searchSpace');
    return (await this.supernets.list(searchSpace)).map((s) => supernetView(s));
  }

  async get(id: string) {
    const row = await this.row(id);
    return supernetView(row, savedCheckpoint(row.checkpointDir));
  }

  /**
   * Ends a queued or running job as cancelled. A running one stops after its current step, saving a
   * checkpoint (the folder is kept). Only its creator or an admin may cancel it.
   */
  async cancel(id: string, who: Principal) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await this.row(id);
      if (SUPERNET_FINISHED.includes(row.status))
        throw new TailorError('CONFLICT', `supernet ${id} already ${row.status}`, 'id');
      if (who.role !== 'admin' && row.createdBy !== who.keyId)
        throw new TailorError('FORBIDDEN', 'only the key that created it or an admin can cancel it', 'id');
      // Compare-and-set on the status read, so a job that starts meanwhile is cancelled as running.
      const patch = { status: 'cancelled' as const, finishedAt: new Date() };
      if (await this.supernets.update(id, patch, [row.status])) {
        this.log.log(`supernet ${id} cancelled (was ${row.status})`);
        return this.get(id);
      }
    }
    throw new TailorError('CONFLICT', `supernet ${id} changed state while cancelling; try again`, 'id');
  }

  /**
   * Registers a finished checkpoint folder as a succeeded, shipped supernet, once (the folder is the
   * key, so restarts add nothing). The folder is only read. Returns null when there is nothing to
   * register: no checkpoint, training not done, or registered already.
   */
  async registerShipped(searchSpace: string, dir: string) {
    const folder = resolve(dir);
    if (!hasCheckpoint(folder)) return null;
    const { spaceId, state, savedAt } = readManifest<TrainingState>(folder);
    if (spaceId !== searchSpace)
      throw invalid('checkpoint', `${folder} holds a ${spaceId} supernet, not ${searchSpace}`);
    if (!state.done) {
      this.log.log(`shipped ${searchSpace} supernet in ${folder} is still training; not registered`);
      return null;
    }
    const row = await this.supernets.createShipped({
      searchSpace,
      config: state.config as unknown as JsonObject,
      progress: null,
      history: state.history as unknown as JsonObject[],
      checkpointDir: folder,
      finishedAt: new Date(savedAt),
    });
    if (!row) return null;
    this.log.log(`shipped ${searchSpace} supernet registered from ${folder}`);
    return supernetView(row);
  }

  /** The shipped checkpoint folders beside the search-space definitions. */
  shippedDirs(): Array<{ searchSpace: string; dir: string }> {
    return shippedSupernetDirs(this.config.searchSpacesDir ?? defaultSearchSpacesDir());
  }

  private async row(id: string): Promise<SupernetRow> {
    const row = await this.supernets.get(id);
    if (!row) throw notFound('id', `no supernet ${id}`);
    return row;
  }
}
