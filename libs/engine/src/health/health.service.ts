import { Inject, Injectable } from '@nestjs/common';
import { DatabaseHealthRepository } from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: { status: 'up' | 'down'; latencyMs?: number; detail?: string };
  queue: { status: 'up' | 'down'; mode: string; detail?: string };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: DatabaseHealthRepository,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  async check(): Promise<HealthReport> {
    const started = Date.now();
    let database: HealthReport['database'];
    try {
      await this.db.ping();
      database = { status: 'up', latencyMs: Date.now() - started };
    } catch (err) {
      database = { status: 'down', detail: err instanceof Error ? err.message : String(err) };
    }
    const queue = await this.queue.health();
    const status = database.status === 'up' && queue.status === 'up' ? 'ok' : 'degraded';
    return { status, database, queue: { status: queue.status, mode: queue.mode, detail: queue.detail } };
  }
}
