import { Inject, Injectable } from '@nestjs/common';
import { SearchesRepository } from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics: process defaults, HTTP traffic, and search/queue state read at scrape time. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;

  constructor(searches: SearchesRepository, @Inject(JOB_QUEUE) queue: JobQueue) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tailor_' });
    this.httpRequests = new Counter({
      name: 'tailor_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'tailor_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.02, 0.1, 0.5, 2, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'tailor_searches',
      help: 'Searches by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const counts = await searches.countByStatus();
        for (const s of ['queued', 'running', 'succeeded', 'failed', 'cancelled'])
          this.set({ status: s }, counts[s] ?? 0);
      },
    });
    new Gauge({
      name: 'tailor_queue_jobs',
      help: 'Jobs in the queue by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const c = await queue.counts();
        for (const [state, n] of Object.entries(c)) this.set({ state }, n);
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
