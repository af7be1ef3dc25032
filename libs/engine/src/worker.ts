import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TailorError } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import { EngineModule } from './engine.module';
import { openDatabase } from './runtime';

/**
 * A dedicated worker serves no HTTP: it takes search jobs from Redis and writes to the shared
 * PostgreSQL. Both must be external, since the embedded database lives inside one API process.
 */
export async function startWorker(config: TailorConfig): Promise<{ close(): Promise<void> }> {
  if (!config.redisUrl || !config.databaseUrl)
    throw new TailorError(
      'INVALID_ARGUMENT',
      'a worker needs REDIS_URL and DATABASE_URL (without them `tailor serve` runs jobs in-process)',
      config.redisUrl ? 'DATABASE_URL' : 'REDIS_URL',
    );
  const db = await openDatabase(config);
  const app = await NestFactory.createApplicationContext(
    EngineModule.forRoot({ config, role: 'worker', databaseUrl: db.url, embedded: false }),
    { logger: loggerLevels(config.logLevel) },
  );
  app.enableShutdownHooks();
  new Logger('Worker').log('worker ready; waiting for search jobs');
  return { close: () => app.close() };
}

export function loggerLevels(level: TailorConfig['logLevel']) {
  const order = ['error', 'warn', 'log', 'debug'] as const;
  return order.slice(0, order.indexOf(level) + 1) as Array<(typeof order)[number]>;
}
