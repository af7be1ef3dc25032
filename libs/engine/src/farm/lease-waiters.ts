import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import { MeasurementQueueRepository } from '@tailor/persistence';
import { offlineAfterSec } from './liveness';
import { ENGINE_ROLE, type EngineRole, TAILOR_CONFIG } from '../tokens';

type Wake = () => void;

/**
 * Long-polling agents wait here instead of hammering the database. A waiter wakes when this process
 * queues work for its device, or when the once-a-second tick finds queued work for any waiting device
 * (work queued by another API instance or a worker), or at its deadline. The same tick expires the leases
 * of silent agents, so a killed agent's tasks go back to the queue within about one heartbeat interval.
 */
@Injectable()
export class LeaseWaiters implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('DeviceFarm');
  private readonly waiters = new Map<string, Set<Wake>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private closed = false;

  constructor(
    private readonly queue: MeasurementQueueRepository,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
    @Inject(ENGINE_ROLE) private readonly role: EngineRole,
  ) {}

  onModuleInit(): void {
    // Agents talk to the API, so the API keeps the farm's clock.
    if (this.role !== 'api') return;
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const device of [...this.waiters.keys()]) this.notify(device);
  }

  /** True once the app is shutting down: long-polls return empty instead of touching a closing database. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves when work may be available for the device, after `ms`, or when `signal` aborts. */
  wait(deviceId: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(deviceId) ?? new Set<Wake>();
      this.waiters.set(deviceId, set);
      const wake: Wake = () => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', wake);
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(deviceId) === set) this.waiters.delete(deviceId);
        resolve();
      };
      const timeout = setTimeout(wake, ms);
      signal?.addEventListener('abort', wake);
      set.add(wake);
    });
  }

  notify(deviceId: string): void {
    for (const wake of [...(this.waiters.get(deviceId) ?? [])]) wake();
  }

  /** Gives expired leases back; exposed so lease calls can run it too (tests, low traffic). */
  async expireLeases(): Promise<void> {
    const { requeued, failed } = await this.queue.expireLeases(offlineAfterSec(this.config.farm));
    if (requeued + failed > 0)
      this.log.warn(
        `expired leases: ${requeued} task(s) back in the queue, ${failed} failed after their last attempt`,
      );
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      await this.expireLeases();
      const ready = await this.queue.devicesWithQueuedTasks([...this.waiters.keys()]);
      for (const device of ready) this.notify(device);
    } catch (err) {
      this.log.error(`farm tick failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.ticking = false;
    }
  }
}
