import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ExportsRepository } from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import { ENGINE_ROLE, type EngineRole } from '../tokens';
import { ExportRunner } from './export-runner';
import { EXPORT_JOB } from './exports.service';

/**
 * Wires export jobs to the queue as SupernetJobs does: workers (and the API when there is no Redis)
 * run them, and the API re-queues unfinished ones at start. A cut-off export simply runs again: it is
 * seeded, so the rerun writes the same files.
 */
@Injectable()
export class ExportJobs implements OnApplicationBootstrap {
  private readonly log = new Logger('ExportJobs');

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(ENGINE_ROLE) private readonly role: EngineRole,
    private readonly runner: ExportRunner,
    private readonly exports: ExportsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role === 'worker' || this.queue.mode === 'in-process')
      this.queue.process<{ exportId: string }>(EXPORT_JOB, (job) => this.runner.run(job.data.exportId));
    if (this.role === 'api') await this.resumeUnfinished();
  }

  private async resumeUnfinished(): Promise<void> {
    const rows = await this.exports.listByStatus(['queued', 'running']);
    for (const e of rows) await this.queue.add(EXPORT_JOB, { exportId: e.id }, { jobId: e.id, attempts: 1 });
    if (rows.length) this.log.log(`re-queued ${rows.length} unfinished export(s)`);
  }
}
