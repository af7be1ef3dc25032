import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { TailorError, type TailorErrorCode } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import { type JsonObject, SearchesRepository } from '@tailor/persistence';
import { SearchSession, type SessionCheckpoint } from '@tailor/search';
import { defaultSearchSpacesDir } from '@tailor/search-spaces';
import { FarmLatencyService } from '../farm/farm-latency.service';
import type { ThreadRun } from '../threads/worker-thread';
import { TAILOR_CONFIG } from '../tokens';
import { validateTopCandidates } from './accuracy-validation';
import { fromRow, toRow } from './evaluation-rows';
import { SearchProblemFactory } from './search-problem.factory';
import {
  DEFAULT_ACCURACY_TOP_K,
  DEFAULT_VERIFICATION_MEASUREMENTS,
  type SearchRequest,
} from './search-request';
import { validateSubnetsInThread } from './subnet-validation';
import { enumerateRecords, verifyBest, type VerificationView } from './verification';
import {
  candidateView,
  type SearchResultView,
  type SearchRow,
  type SearchStatus,
  type ValidatedView,
} from './search-views';

const DEFAULT_TOP_K = 10;
const PERMANENT: readonly TailorErrorCode[] = ['INVALID_ARGUMENT', 'NOT_FOUND', 'UNPROCESSABLE'];
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs one search job. Every round's evaluations and the algorithm's checkpoint are written in one
 * transaction, so a killed worker or a restarted server resumes from the last round with nothing lost:
 * the seeded algorithm replays exactly the rounds that had not been saved.
 */
@Injectable()
export class SearchRunner implements OnModuleDestroy {
  private readonly log = new Logger('SearchRunner');
  private readonly threads = new Set<ThreadRun<number[]>>();
  /**
   * How OFA candidates are scored on the validation split: as the shipped accuracy predictor's training
   * data was (500 calibration images, the first 2,000 validation images). Tests shrink it.
   */
  validationScoring = { validationImages: 2000, calibrationImages: 500, seed: 0 };

  constructor(
    private readonly searches: SearchesRepository,
    private readonly factory: SearchProblemFactory,
    private readonly farm: FarmLatencyService,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.threads].map((t) => t.terminate()));
  }

  async run(searchId: string, lastAttempt = true): Promise<void> {
    const row = (await this.searches.get(searchId)) as SearchRow | null;
    if (!row) return void this.log.warn(`search ${searchId} vanished; dropping its job`);
    // A search cancelled while queued still gets its (empty) result written below.
    if (row.status === 'succeeded' || row.status === 'failed' || (row.status === 'cancelled' && row.result))
      return;
    const req = row.request as SearchRequest & { feasibleInSpace?: number };
    try {
      await this.execute(row, req);
    } catch (err) {
      // Bad input cannot get better by retrying; anything else (a lost database, say) is retried by
      // the queue until its attempts run out, and only the last attempt marks the search failed.
      const permanent = err instanceof TailorError && PERMANENT.includes(err.code);
      if (!permanent && !lastAttempt) throw err;
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`search ${searchId} failed: ${message}`);
      await this.searches.update(searchId, { status: 'failed', error: message, finishedAt: new Date() });
    }
  }

  private async execute(row: SearchRow, req: SearchRequest & { feasibleInSpace?: number }): Promise<void> {
    const { problem, evaluator } = await this.factory.prepare(req, {
      searchId: row.id,
      stopped: async () => (await this.searches.getStatus(row.id)) === 'cancelled',
    });
    // Every (re)start counts as an attempt. The claim is a compare-and-set: when two workers resume
    // the same search (a stalled job handed over while the first still runs), only one proceeds.
    if (row.status !== 'cancelled') {
      const claimed = await this.searches.markStarted(
        row.id,
        row.status === 'running' ? row.attempts : undefined,
      );
      if (!claimed) return void this.log.warn(`search ${row.id} was claimed by another worker`);
    }
    const records = (await this.searches.listEvaluations(row.id, {})).map(fromRow);
    const checkpoint = (row as unknown as { checkpoint: SessionCheckpoint | null }).checkpoint;
    const session = checkpoint
      ? SearchSession.restore(problem, checkpoint, records)
      : SearchSession.create(problem, {
          algorithm: req.algorithm,
          options: req.options,
          seed: req.seed,
          budget: { evaluations: req.budget.evaluations },
        });
    if (checkpoint) this.log.log(`search ${row.id} resumes at ${records.length} evaluations`);

    let status: SearchStatus = 'running';
    while (!session.done) {
      status = ((await this.searches.getStatus(row.id)) ?? 'cancelled') as SearchStatus;
      if (status === 'cancelled') break;
      const fresh = await session.step((archs) => evaluator.evaluate(archs));
      const best = session.best();
      await this.searches.saveRound(row.id, fresh.map(toRow), {
        checkpoint: session.checkpoint() as unknown as JsonObject,
        progress: this.progressOf(session),
        best: best ? (candidateView(best) as unknown as JsonObject) : null,
      });
      await yieldToEventLoop();
    }
    let best = session.best() ? candidateView(session.best()!) : null;
    let verification: VerificationView | undefined;
    let predictedMeasurements = 0;
    const predicted = evaluator.predictedMetrics();
    if (predicted.length > 0) {
      // Latencies were predicted: the answer is only what a measurement on the device confirms (for a
      // cancelled search, one already made: it measures nothing more).
      const [{ metric, model }] = predicted;
      // An enumerable space is verified over all its archs, not only those the search evaluated:
      // predictions are cheap, and the best arch under the budget may sit where evolution never looked.
      const candidates =
        problem.space.enumerable && status !== 'cancelled'
          ? [...session.records(), ...(await enumerateRecords(problem.space, evaluator))]
          : session.records();
      const verified = await verifyBest(
        problem,
        candidates,
        metric,
        model,
        req.verification?.maxMeasurements ?? DEFAULT_VERIFICATION_MEASUREMENTS,
        { cancelled: status === 'cancelled' },
      );
      best = verified.best;
      verification = verified.view;
    }
    const [ofa] = evaluator.supernetMetrics();
    const topK = req.verification?.accuracyTopK ?? DEFAULT_ACCURACY_TOP_K;
    let validated: ValidatedView | undefined;
    if (ofa && predicted.length > 0 && status !== 'cancelled' && topK > 0) {
      const v = this.validationScoring;
      validated =
        (await validateTopCandidates({
          problem,
          records: session.records(),
          latencyMetric: predicted[0].metric,
          model: predicted[0].model,
          accuracyMetric: ofa.metric,
          supernetId: ofa.supernetId,
          verifiedBest: best,
          topK,
          images: { validation: v.validationImages, calibration: v.calibrationImages },
          score: (archs) => this.scoreOnValidation(problem.space.id, ofa.checkpointDir, archs),
        })) ?? undefined;
      // The answer is the candidate with the best *measured* accuracy among those measured in budget.
      if (validated) best = validated.candidates[0];
    }
    for (const { model } of predicted) predictedMeasurements += model.measurementsTaken;
    const result: SearchResultView = {
      best,
      topK: session.topK(req.topK ?? DEFAULT_TOP_K).map(candidateView),
      pareto: session.pareto().map(candidateView),
      evaluations: session.records().length,
      deviceMeasurements:
        predicted.length > 0
          ? predictedMeasurements
          : evaluator.measuresOnFarm
            ? await this.farm.countForSearch(row.id)
            : 0,
      feasibleInSpace: req.feasibleInSpace,
      ...(verification ? { verification, latencyPredicted: predicted.map((p) => p.metric) } : {}),
      ...(validated ? { validated } : {}),
    };
    const final: SearchStatus = status === 'cancelled' ? 'cancelled' : 'succeeded';
    await this.searches.update(row.id, {
      status: final,
      result: result as unknown as JsonObject,
      // The verified answer replaces the best by predicted latency that the rounds reported.
      best: result.best as unknown as JsonObject | null,
      progress: this.progressOf(session),
      finishedAt: new Date(),
    });
    this.log.log(`search ${row.id} ${final} after ${result.evaluations} evaluations`);
  }

  private async scoreOnValidation(spaceId: string, checkpointDir: string, archs: readonly string[]) {
    const thread = validateSubnetsInThread(
      {
        searchSpacesDir: this.config.searchSpacesDir ?? defaultSearchSpacesDir(),
        spaceId,
        fashionMnistDir: this.config.fashionMnistDir,
        checkpointDir,
        archs,
        ...this.validationScoring,
      },
      () => undefined,
    );
    this.threads.add(thread);
    return thread.result.finally(() => this.threads.delete(thread));
  }

  private progressOf(session: SearchSession<unknown>) {
    const p = session.progress();
    return {
      evaluations: p.evaluations,
      budget: p.budget,
      rounds: p.rounds,
      feasible: p.feasible,
      percent: Math.round((1000 * p.evaluations) / Math.max(1, p.budget)) / 10,
    };
  }
}
