import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { JobQueue } from './job-queue';
import { JOB_QUEUE, QueueModule } from './queue.module';

@Injectable()
class Consumer {
  constructor(@Inject(JOB_QUEUE) readonly queue: JobQueue) {}
}

@Module({ providers: [Consumer] })
class FeatureModule {}

describe('QueueModule', () => {
  it('provides one global JobQueue and closes it on application shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [QueueModule.forRoot({ role: 'both' }), FeatureModule],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const queue = app.get<JobQueue>(JOB_QUEUE);
    expect(queue.mode).toBe('in-process');
    expect(app.get(Consumer).queue).toBe(queue);
    await expect(queue.health()).resolves.toMatchObject({ status: 'up' });
    await app.close();
    await expect(queue.health()).resolves.toMatchObject({ status: 'down', detail: 'closed' });
  });

  it('forRootAsync builds options from injected providers', async () => {
    const OPTIONS = Symbol('OPTIONS');
    @Module({ providers: [{ provide: OPTIONS, useValue: { role: 'worker' } }], exports: [OPTIONS] })
    class ConfigLikeModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRootAsync({
          imports: [ConfigLikeModule],
          inject: [OPTIONS],
          useFactory: (options: { role: 'worker' }) => options,
        }),
      ],
    }).compile();
    const queue = moduleRef.get<JobQueue>(JOB_QUEUE);
    expect(queue.mode).toBe('in-process');
    await moduleRef.close();
    await expect(queue.health()).resolves.toMatchObject({ status: 'down' });
  });
});
