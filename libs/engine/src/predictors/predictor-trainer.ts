import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type JsonObject, PredictorsRepository } from '@tailor/persistence';
import type { TrainingProgress } from '@tailor/predictors';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { FINISHED } from './predictor-views';
import { PredictorsService } from './predictors.service';
import { trainInThread, type TrainingThread } from './training-thread';

/**
 * Runs one predictor job: builds the corpus from the recorded tables as they are now (with the devices
 * fixed at submit), meta-trains it in a worker thread, and stores the snapshot. A shutdown stops the
 * thread and leaves the predictor running, so the next start trains it again.
 */
@Injectable()
export class PredictorTrainer implements OnModuleDestroy {
  private readonly log = new Logger('PredictorTrainer');
  private readonly threads = new Set<TrainingThread>();
  private stopping = false;

  constructor(
    private readonly predictors: PredictorsRepository,
    private readonly service: PredictorsService,
    private readonly spaces: SearchSpacesService,
  ) {}

  async run(id: string): Promise<void> {
    const row = await this.predictors.getSummary(id);
    if (!row) return void this.log.warn(`predictor ${id} vanished; dropping its job`);
    if (FINISHED.includes(row.status)) return;
    if (!(await this.predictors.markStarted(id))) return;
    const started = Date.now();
    const progress = new ProgressWriter((p) => this.predictors.update(id, { progress: p }), row.progress);
    try {
      const space = this.spaces.get(row.searchSpace);
      const plan = await this.service.plan(space, row.sourceDevices, row.validationDevices);
      const corpus = await this.service.corpus(space, plan);
      const thread = trainInThread(
        { corpus, sources: plan.sources, validation: plan.validation, options: row.options },
        (p) => progress.set(progressOf(p)),
      );
      this.threads.add(thread);
      const trained = await thread.result.finally(() => this.threads.delete(thread));
      await progress.flushed();
      await this.predictors.update(id, {
        status: 'succeeded',
        snapshot: trained.snapshot as unknown as JsonObject,
        validation: trained.validation,
        progress: { ...progress.latest, step: trained.steps, percent: 100, archs: corpus.archKeys.length },
        finishedAt: new Date(),
      });
      this.log.log(
        `predictor ${row.searchSpace} v${row.version} trained in ${Math.round((Date.now() - started) / 1000)} s ` +
          `(validation Spearman ${JSON.stringify(trained.validation)})`,
      );
    } catch (err) {
      await progress.flushed();
      if (this.stopping) return void this.log.warn(`predictor ${id} interrupted by shutdown`);
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`predictor ${row.searchSpace} v${row.version} failed: ${message}`);
      await this.predictors.update(id, { status: 'failed', error: message, finishedAt: new Date() });
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.threads].map((t) => t.terminate()));
  }
}

/** Writes the newest progress, one write at a time; progress arriving during a write replaces older. */
class ProgressWriter {
  private pending: JsonObject | null = null;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly write: (p: JsonObject) => Promise<void>,
    public latest: JsonObject,
  ) {}

  set(p: JsonObject): void {
    this.latest = p;
    this.pending = p;
    if (!this.busy) this.writing = this.drain();
  }

  flushed(): Promise<void> {
    return this.writing;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.pending) {
        const next = this.pending;
        this.pending = null;
        await this.write(next).catch(() => undefined);
      }
    } finally {
      this.busy = false;
    }
  }
}

function progressOf(p: TrainingProgress): JsonObject {
  const done = p.member * p.steps + p.step;
  return {
    member: p.member + 1,
    members: p.members,
    step: p.step,
    steps: p.steps,
    loss: Number.isFinite(p.loss) ? p.loss : null,
    percent: Math.round((1000 * done) / Math.max(1, p.members * p.steps)) / 10,
  };
}
