import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import {
  type EpochRecord,
  hasCheckpoint,
  readManifest,
  type TrainingConfig,
  type TrainingState,
} from '@tailor/nn';
import { type JsonObject, SupernetsRepository } from '@tailor/persistence';
import { defaultSearchSpacesDir } from '@tailor/search-spaces';
import { TAILOR_CONFIG } from '../tokens';
import { ProgressReporter } from './supernet-progress';
import { type SupernetThread, trainSupernetInThread } from './supernet-thread';
import { SUPERNET_FINISHED } from './supernet-views';

/** Progress reaches the database at most this often (and at every epoch end). */
const WRITE_EVERY_MS = 2000;
/** Steps between mid-epoch checkpoints: what a killed process loses at most (each is ~4 MB written). */
const CHECKPOINT_EVERY_STEPS = 10;
/** At shutdown a run gets this long to finish its step and checkpoint before the thread is ended. */
const STOP_GRACE_MS = 15_000;

/**
 * Runs one supernet job: trains in a worker thread into the job's checkpoint folder, resuming from it
 * when a previous run was cut off. A cancel (seen through the database, so it works across processes)
 * stops the run after its step with a checkpoint; a shutdown does the same but leaves the job running,
 * so the next start resumes it.
 */
@Injectable()
export class SupernetTrainer implements OnModuleDestroy {
  private readonly log = new Logger('SupernetTrainer');
  private readonly threads = new Set<SupernetThread>();
  private stopping = false;

  constructor(
    private readonly supernets: SupernetsRepository,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  async run(id: string): Promise<void> {
    const row = await this.supernets.get(id);
    if (!row) return void this.log.warn(`supernet ${id} vanished; dropping its job`);
    if (row.source !== 'trained' || SUPERNET_FINISHED.includes(row.status)) return;
    if (!(await this.supernets.markStarted(id))) return;
    const config = row.config as unknown as TrainingConfig;
    const dir = row.checkpointDir;
    const running = ['running' as const];
    let reporter: ProgressReporter | undefined;
    try {
      const resumed = resumedHistory(dir);
      if (resumed.length) this.log.log(`supernet ${id} resumes after ${resumed.length} epoch(s) in ${dir}`);
      await this.supernets.update(id, { history: resumed as unknown as JsonObject[] }, running);
      const thread = trainSupernetInThread(
        {
          searchSpacesDir: this.config.searchSpacesDir ?? defaultSearchSpacesDir(),
          spaceId: row.searchSpace,
          fashionMnistDir: this.config.fashionMnistDir,
          checkpointDir: dir,
          config,
          progressEverySteps: 1,
          checkpointEverySteps: CHECKPOINT_EVERY_STEPS,
        },
        (p) => reporter!.report(p),
      );
      // Assigned before the thread can post anything: messages arrive on a later turn.
      reporter = new ProgressReporter({
        config,
        history: resumed,
        write: (patch) => this.supernets.update(id, patch, running),
        running: async () => (await this.supernets.getStatus(id)) === 'running',
        onCancelled: () => thread.stop(),
        intervalMs: WRITE_EVERY_MS,
      });
      this.threads.add(thread);
      const result = await thread.result.finally(() => this.threads.delete(thread));
      await reporter.close();
      const history = result.history as unknown as JsonObject[];
      if (result.stopped && this.stopping)
        return void this.log.warn(
          `supernet ${id} stopped by shutdown at its checkpoint; the next start resumes it`,
        );
      if (result.stopped) {
        await this.supernets.update(id, { history }, ['cancelled']);
        return void this.log.log(`supernet ${id} cancelled; its checkpoint stays in ${dir}`);
      }
      // A run resumed from a finished checkpoint reports nothing: keep the stored progress.
      const last = reporter.latest ?? row.progress;
      const progress = last ? { ...last, percent: 100 } : null;
      const finishedAt = new Date();
      if (await this.supernets.update(id, { status: 'succeeded', progress, history, finishedAt }, running))
        this.log.log(`supernet ${id} trained in ${Math.round(result.seconds)} s of training (${dir})`);
    } catch (err) {
      await reporter?.close();
      if (this.stopping) return void this.log.warn(`supernet ${id} interrupted by shutdown`);
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`supernet ${id} failed: ${message}`);
      await this.supernets.update(id, { status: 'failed', error: message, finishedAt: new Date() }, running);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.threads].map(async (t) => {
        t.stop();
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(true), STOP_GRACE_MS)),
        );
        const ended = t.result.then(
          () => false,
          () => false,
        );
        if (await Promise.race([ended, late])) await t.terminate();
        clearTimeout(timer);
      }),
    );
  }
}

/** The epochs the checkpoint folder already holds: a resumed run reports only the ones after them. */
function resumedHistory(dir: string): EpochRecord[] {
  if (!hasCheckpoint(dir)) return [];
  return [...readManifest<TrainingState>(dir).state.history];
}
