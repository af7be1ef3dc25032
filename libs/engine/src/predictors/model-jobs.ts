import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CalibrationsRepository, PredictorsRepository } from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import { CalibrationRunner } from '../calibrations/calibration-runner';
import { CALIBRATION_JOB } from '../calibrations/calibrations.service';
import { ENGINE_ROLE, type EngineRole } from '../tokens';
import { PredictorTrainer } from './predictor-trainer';
import { PREDICTOR_JOB } from './predictors.service';

/**
 * Wires predictor training and device calibration jobs to the queue, as SearchJobs does for searches:
 * workers (and the API when there is no Redis) process them, and the API re-queues unfinished ones at
 * start. Training has no checkpoint, so a cut-off training starts over; a cut-off calibration reuses
 * what the farm already measured.
 */
@Injectable()
export class ModelJobs implements OnApplicationBootstrap {
  private readonly log = new Logger('ModelJobs');

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(ENGINE_ROLE) private readonly role: EngineRole,
    private readonly trainer: PredictorTrainer,
    private readonly calibrator: CalibrationRunner,
    private readonly predictors: PredictorsRepository,
    private readonly calibrations: CalibrationsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role === 'worker' || this.queue.mode === 'in-process') {
      this.queue.process<{ predictorId: string }>(PREDICTOR_JOB, (job) =>
        this.trainer.run(job.data.predictorId),
      );
      this.queue.process<{ calibrationId: string }>(CALIBRATION_JOB, (job) =>
        this.calibrator.run(job.data.calibrationId),
      );
    }
    if (this.role === 'api') await this.resumeUnfinished();
  }

  private async resumeUnfinished(): Promise<void> {
    const predictors = await this.predictors.listByStatus(['queued', 'running']);
    for (const p of predictors)
      await this.queue.add(PREDICTOR_JOB, { predictorId: p.id }, { jobId: p.id, attempts: 1 });
    const calibrations = await this.calibrations.listByStatus(['queued', 'running']);
    for (const c of calibrations)
      await this.queue.add(CALIBRATION_JOB, { calibrationId: c.id }, { jobId: c.id, attempts: 1 });
    if (predictors.length + calibrations.length)
      this.log.log(
        `re-queued ${predictors.length} predictor training(s) and ${calibrations.length} calibration(s)`,
      );
  }
}
