import type { EpochRecord, TrainingConfig, TrainingProgress } from '@tailor/nn';
import type { JsonObject } from '@tailor/persistence';

/**
 * A progress report as stored: the position of the step just run (at an epoch end, the epoch that
 * ended, not the next one), and the share of all epochs done. Phase index and epoch count from 0.
 */
export function progressRecord(p: TrainingProgress, config: TrainingConfig, epochsDone: number): JsonObject {
  const total = config.phases.reduce((n, ph) => n + ph.epochs, 0);
  const r = p.epochRecord;
  const phaseIndex = r ? config.phases.findIndex((ph) => ph.phase === r.phase) : p.phaseIndex;
  const before = config.phases.slice(0, phaseIndex).reduce((n, ph) => n + ph.epochs, 0);
  const done = r ? epochsDone : before + p.epoch + p.step / Math.max(1, p.steps);
  return {
    phase: r?.phase ?? p.phase,
    phaseIndex,
    phases: p.phases,
    epoch: r?.epoch ?? p.epoch,
    epochs: config.phases[phaseIndex]?.epochs ?? p.epochs,
    step: r ? p.steps : p.step,
    steps: p.steps,
    loss: r ? r.meanLoss : p.loss,
    learningRate: p.learningRate,
    imagesPerSecond: p.imagesPerSecond,
    percent: Math.round((1000 * Math.min(done, total)) / Math.max(1, total)) / 10,
    at: new Date().toISOString(),
  };
}

export interface ReporterOptions {
  readonly config: TrainingConfig;
  /** Epochs already in the checkpoint being resumed from. */
  readonly history: readonly EpochRecord[];
  /** Writes progress (and history) while the job is still running; false when it no longer is. */
  readonly write: (patch: { progress?: JsonObject; history?: JsonObject[] }) => Promise<boolean>;
  /** Whether the job is still running (polled when there is nothing to write). */
  readonly running: () => Promise<boolean>;
  /** Called once when a write or poll finds the job cancelled or gone. */
  readonly onCancelled: () => void;
  readonly intervalMs: number;
}

/**
 * Persists training reports without a write per step: the newest progress at most once per interval,
 * each epoch end at once (with the history). Each tick also notices a cancel, since the status may be
 * changed by another process (the API, while a worker trains).
 */
export class ProgressReporter {
  latest: JsonObject | null = null;
  readonly history: EpochRecord[];
  private pending = false;
  private chain: Promise<void> = Promise.resolve();
  private cancelled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: ReporterOptions) {
    this.history = [...opts.history];
    this.timer = setInterval(() => this.tick(), opts.intervalMs);
    this.timer.unref();
  }

  report(p: TrainingProgress): void {
    if (p.epochRecord) this.history.push(p.epochRecord);
    this.latest = progressRecord(p, this.opts.config, this.history.length);
    this.pending = true;
    if (p.epochRecord) this.flush();
  }

  /** Stops the timer and waits for the writes in flight (and the pending one). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await this.chain;
  }

  private tick(): void {
    if (this.pending) this.flush();
    else this.enqueue(() => this.opts.running());
  }

  private flush(): void {
    if (!this.pending) return;
    this.pending = false;
    const patch = { progress: this.latest!, history: this.history as unknown as JsonObject[] };
    // A failed write is retried by the next tick; it never fails the training.
    this.enqueue(() =>
      this.opts.write(patch).catch(() => {
        this.pending = true;
        return true;
      }),
    );
  }

  /** One database call at a time. */
  private enqueue(call: () => Promise<boolean>): void {
    this.chain = this.chain.then(async () => {
      const alive = await call().catch(() => true);
      if (!alive && !this.cancelled) {
        this.cancelled = true;
        this.opts.onCancelled();
      }
    });
  }
}
