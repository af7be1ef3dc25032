import { rmSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import {
  type ExportRow,
  type ExportStatus,
  ExportsRepository,
  type JsonObject,
  SearchesRepository,
  SupernetsRepository,
} from '@tailor/persistence';
import { defaultSearchSpacesDir } from '@tailor/search-spaces';
import { FarmLatencyService } from '../farm/farm-latency.service';
import type { MetricRef } from '../searches/search-request';
import { TAILOR_CONFIG } from '../tokens';
import { EXPORT_STAGES, type ExportStage } from './export-build';
import { type ExportLatency, type ExportResult, pct, verificationProblem } from './export-result';
import { type ExportThread, buildExportInThread } from './export-thread';

export const EXPORT_FINISHED: readonly ExportStatus[] = ['succeeded', 'failed'];

/** How many images recalibrate the subnet's BN and how many test images verify the files. */
export interface ExportEvaluation {
  readonly calibrationImages: number;
  readonly seed: number;
  readonly testImages: number;
}

/** OFA's 2,000 calibration images (seed 0, as `tailor supernet evaluate` uses) and the whole test set. */
export const DEFAULT_EXPORT_EVALUATION: ExportEvaluation = {
  calibrationImages: 2000,
  seed: 0,
  testImages: 10_000,
};

/**
 * Runs one export job in a worker thread and records its stages and result. The files must agree
 * with the subnet they came from (verificationProblem); when they do not, the export fails with the
 * measurements kept, so the numbers behind the refusal can be read.
 */
@Injectable()
export class ExportRunner implements OnModuleDestroy {
  private readonly log = new Logger('ExportRunner');
  private readonly threads = new Set<ExportThread>();
  private stopping = false;
  /**
   * Not part of the API: tests shrink it so an export takes seconds. Applies to jobs this process
   * runs (in Redis mode, the workers' own defaults apply).
   */
  evaluation: ExportEvaluation = DEFAULT_EXPORT_EVALUATION;
  /** How long the job waits for an agent of the export's device to measure it. */
  measureTimeoutMs = 10 * 60_000;

  constructor(
    private readonly exports: ExportsRepository,
    private readonly supernets: SupernetsRepository,
    private readonly searches: SearchesRepository,
    private readonly farm: FarmLatencyService,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  async run(id: string): Promise<void> {
    const row = await this.exports.get(id);
    if (!row) return void this.log.warn(`export ${id} vanished; dropping its job`);
    if (EXPORT_FINISHED.includes(row.status)) return;
    if (!(await this.exports.markStarted(id))) return;
    const running: ExportStatus[] = ['running'];
    let writes: Promise<unknown> = Promise.resolve();
    const onStage = (stage: ExportStage): void => {
      const progress = {
        stage,
        stageIndex: EXPORT_STAGES.indexOf(stage),
        // `measuring` only happens for an export with a device.
        stages: EXPORT_STAGES.length - (row.deviceId ? 0 : 1),
        at: new Date().toISOString(),
      };
      // In order, one at a time; a lost progress write never fails the export.
      writes = writes.then(() => this.exports.update(id, { progress }, running).catch(() => false));
    };
    try {
      const supernet = await this.supernets.get(row.supernetId);
      if (!supernet) throw new Error(`supernet ${row.supernetId} is gone`);
      // A run cut off by a restart starts over; leftovers of it must not end up in the new archive.
      rmSync(row.dir, { recursive: true, force: true });
      const thread = buildExportInThread(
        {
          searchSpacesDir: this.config.searchSpacesDir ?? defaultSearchSpacesDir(),
          spaceId: row.searchSpace,
          fashionMnistDir: this.config.fashionMnistDir,
          checkpointDir: supernet.checkpointDir,
          arch: row.arch,
          formats: row.formats,
          dir: row.dir,
          ...this.evaluation,
        },
        onStage,
      );
      this.threads.add(thread);
      const built = await thread.result.finally(() => this.threads.delete(thread));
      const problem = verificationProblem(built);
      const result: ExportResult =
        row.deviceId && !problem ? { ...built, latency: await this.measure(row, onStage) } : built;
      await writes;
      const patch = {
        status: problem ? ('failed' as const) : ('succeeded' as const),
        result: result as unknown as JsonObject,
        error: problem,
        finishedAt: new Date(),
      };
      if (!(await this.exports.update(id, patch, running))) return;
      const summary = `subnet ${pct(result.subnetAccuracy)}, max |onnx − tfjs| ${result.maxAbsDiff.toExponential(1)}`;
      if (problem) this.log.warn(`export ${id} failed: ${problem}`);
      else
        this.log.log(
          `export ${id} (${row.formats.join(', ')}) verified in ${Math.round(result.seconds)} s: ${summary}`,
        );
    } catch (err) {
      await writes;
      if (this.stopping)
        return void this.log.warn(`export ${id} interrupted by shutdown; it reruns at start`);
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`export ${id} failed: ${message}`);
      await this.exports.update(id, { status: 'failed', error: message, finishedAt: new Date() }, running);
    }
  }

  /**
   * Times the exported arch on the export's farm device: an agent builds the same arch and measures it
   * by the farm's protocol (a latency already measured there is reused). Waits at most
   * measureTimeoutMs for an agent; the export stays valid without it, and says why it has no latency.
   */
  private async measure(row: ExportRow, onStage: (s: ExportStage) => void): Promise<ExportLatency> {
    onStage('measuring');
    const device = row.deviceId!;
    const budgetMs = await this.budgetOf(row.searchId, device);
    const deadline = Date.now() + this.measureTimeoutMs;
    const stopped = async () =>
      Date.now() > deadline || (await this.exports.get(row.id))?.status !== 'running';
    const measured = await this.farm.latencies(device, row.searchSpace, [row.arch], {
      searchId: row.searchId,
      stopped,
    });
    const ms = measured.get(row.arch) ?? null;
    return {
      device,
      ms,
      budgetMs,
      withinBudget: ms === null || budgetMs === null ? null : ms <= budgetMs,
      ...(ms === null
        ? {
            error: `no agent of ${device} measured it within ${Math.round(this.measureTimeoutMs / 1000)} s (or every attempt failed)`,
          }
        : {}),
    };
  }

  /** The latency budget on `device` of the search the export came from, if any. */
  private async budgetOf(searchId: string | null, device: string): Promise<number | null> {
    if (!searchId) return null;
    const search = await this.searches.get(searchId);
    const req = search?.request as { constraints?: MetricRef[] } | undefined;
    const c = req?.constraints?.find((r) => r.metric === 'latency' && r.device === device);
    return c?.max ?? null;
  }

  /** An export has no checkpoint to save: end its thread now and let the next start redo it. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.threads].map((t) => t.terminate()));
  }
}
