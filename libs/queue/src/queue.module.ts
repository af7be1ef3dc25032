import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  ModuleMetadata,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { createJobQueue } from './create-job-queue';
import { JobQueue, JobQueueOptions } from './job-queue';

/** Injection token for the app's single `JobQueue`. */
export const JOB_QUEUE = Symbol('JOB_QUEUE');

export interface QueueModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors Nest's own factory typing
  useFactory: (...args: any[]) => JobQueueOptions | Promise<JobQueueOptions>;
  inject?: FactoryProviderInject;
}
type FactoryProviderInject = NonNullable<Extract<Provider, { useFactory: unknown }>['inject']>;

/** Closes the queue on shutdown so workers finish (or hand back) their jobs before the process exits. */
@Injectable()
class JobQueueCloser implements OnApplicationShutdown {
  constructor(@Inject(JOB_QUEUE) private readonly queue: JobQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

const withNestLogger = (options: JobQueueOptions): JobQueue =>
  createJobQueue({ ...options, logger: options.logger ?? new Logger('JobQueue') });

/**
 * A thin provider around `createJobQueue` rather than `@nestjs/bull`: the queue must also run without
 * Redis, the role decides whether handlers run at all, and handlers are registered by app code at
 * runtime, none of which fits `@nestjs/bull`'s decorator-discovered `@Processor` classes.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(options: JobQueueOptions): DynamicModule {
    return QueueModule.build([], { provide: JOB_QUEUE, useFactory: () => withNestLogger(options) });
  }

  /** For options that come from another provider (e.g. the config service). */
  static forRootAsync(options: QueueModuleAsyncOptions): DynamicModule {
    return QueueModule.build(options.imports ?? [], {
      provide: JOB_QUEUE,
      useFactory: async (...args: unknown[]) => withNestLogger(await options.useFactory(...args)),
      inject: options.inject ?? [],
    });
  }

  private static build(imports: ModuleMetadata['imports'], queue: Provider): DynamicModule {
    return {
      global: true,
      module: QueueModule,
      imports,
      providers: [queue, JobQueueCloser],
      exports: [JOB_QUEUE],
    };
  }
}
