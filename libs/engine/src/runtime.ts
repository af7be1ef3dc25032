import { mkdirSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import { runMigrations, startEmbeddedPostgres } from '@tailor/persistence';

export interface OpenDatabase {
  readonly url: string;
  readonly embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PGlite server under the data dir, and applies the
 * migrations either way (they are idempotent).
 */
export async function openDatabase(config: TailorConfig): Promise<OpenDatabase> {
  const log = new Logger('Database');
  if (config.databaseUrl) {
    await runMigrations(config.databaseUrl, false);
    log.log('using external PostgreSQL (DATABASE_URL)');
    return { url: config.databaseUrl, embedded: false, close: async () => undefined };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const started = Date.now();
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedDbPort });
  await runMigrations(server.url, true);
  log.log(`embedded PostgreSQL (PGlite) ready in ${Date.now() - started} ms, data in ${config.dataDir}`);
  return { url: server.url, embedded: true, close: () => server.close() };
}
