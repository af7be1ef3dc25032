import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SupernetsRepository } from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import { ENGINE_ROLE, type EngineRole } from '../tokens';
import { SupernetTrainer } from './supernet-trainer';
import { SUPERNET_JOB } from './supernets.service';

/**
 * Wires supernet training jobs to the queue as SearchJobs and ModelJobs do: workers (and the API when
 * there is no Redis) run them, one at a time per process, and the API re-queues unfinished ones at
 * start. Unlike predictor training, a cut-off run resumes from the checkpoint in its folder.
 */
@Injectable()
export class SupernetJobs implements OnApplicationBootstrap {
  private readonly log = new Logger('SupernetJobs');

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(ENGINE_ROLE) private readonly role: EngineRole,
    private readonly trainer: SupernetTrainer,
    private readonly supernets: SupernetsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role === 'worker' || this.queue.mode === 'in-process')
      this.queue.process<{ supernetId: string }>(SUPERNET_JOB, (job) =>
        this.trainer.run(job.data.supernetId),
      );
    if (this.role === 'api') await this.resumeUnfinished();
  }

  private async resumeUnfinished(): Promise<void> {
    const rows = await this.supernets.listByStatus(['queued', 'running']);
    for (const s of rows)
      await this.queue.add(SUPERNET_JOB, { supernetId: s.id }, { jobId: s.id, attempts: 1 });
    if (rows.length) this.log.log(`re-queued ${rows.length} unfinished supernet training(s)`);
  }
}
