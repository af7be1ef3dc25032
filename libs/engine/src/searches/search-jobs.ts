import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SearchesRepository } from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import { ENGINE_ROLE, type EngineRole } from '../tokens';
import { SearchRunner } from './search-runner';
import { SEARCH_ATTEMPTS, SEARCH_JOB } from './searches.service';

/**
 * Wires search jobs to the queue: workers (and the API when there is no Redis) process them; the API
 * re-queues unfinished searches at start, so an embedded server restarted mid-search carries on.
 */
@Injectable()
export class SearchJobs implements OnApplicationBootstrap {
  private readonly log = new Logger('SearchJobs');

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(ENGINE_ROLE) private readonly role: EngineRole,
    private readonly runner: SearchRunner,
    private readonly searches: SearchesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const processes = this.role === 'worker' || this.queue.mode === 'in-process';
    if (processes) {
      this.queue.process<{ searchId: string }>(SEARCH_JOB, (job) =>
        this.runner.run(job.data.searchId, job.attempt >= SEARCH_ATTEMPTS),
      );
    }
    if (this.role === 'api') await this.resumeUnfinished();
  }

  private async resumeUnfinished(): Promise<void> {
    const rows = await this.searches.listByStatus(['queued', 'running']);
    for (const row of rows)
      await this.queue.add(SEARCH_JOB, { searchId: row.id }, { jobId: row.id, attempts: SEARCH_ATTEMPTS });
    if (rows.length) this.log.log(`re-queued ${rows.length} unfinished search(es)`);
  }
}
