import { DataSource, MigrationExecutor } from 'typeorm';
import type { LoggerOptions } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { TailorError } from '@tailor/common';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseOptions {
  /** postgres://… — an external server, or the URL returned by `startEmbeddedPostgres`. */
  url: string;
  /** True when `url` points at the embedded PGlite server, which serves one connection at a time. */
  embedded: boolean;
  /** Pool size for an external server (ignored when embedded). */
  poolSize?: number;
  logging?: LoggerOptions;
}

/** Arbitrary but fixed: every Tailor process agrees on it, so only one runs migrations at a time. */
const MIGRATION_LOCK_KEY = 7_263_800_001;

export function createDataSourceOptions(options: DatabaseOptions): PostgresDataSourceOptions {
  const { url, embedded } = options;
  return {
    type: 'postgres',
    url,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    migrationsRun: false,
    synchronize: false,
    // The migrations own the schema; TypeORM must not try CREATE EXTENSION on a user's server.
    installExtensions: false,
    applicationName: 'tailor',
    // Not 'error': TypeORM would log every failed query with its parameters (whole tables); the error
    // itself reaches the caller.
    logging: options.logging ?? ['warn', 'migration'],
    // PGlite's socket server accepts a single client and rejects a second with "Too many connections",
    // so the pool is capped at one and never drops its idle client (a reconnect could race the
    // server noticing the old socket closed). Waiting callers queue in the pool instead.
    poolSize: embedded ? 1 : (options.poolSize ?? 10),
    connectTimeoutMS: 30_000,
    extra: embedded ? { idleTimeoutMillis: 0 } : {},
  };
}

/** Creates and connects a DataSource. The caller owns it and must `destroy()` it. */
export async function createDataSource(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = new DataSource(createDataSourceOptions(options));
  try {
    return await dataSource.initialize();
  } catch (error) {
    throw new TailorError(
      'UNAVAILABLE',
      `cannot connect to the database: ${(error as Error).message}`,
      undefined,
      {
        embedded: options.embedded,
      },
    );
  }
}

/**
 * Applies pending migrations on an open DataSource and returns their names (empty when up to date).
 * All pending migrations run in one transaction, on one connection that first takes a session-level
 * advisory lock: a second process starting at the same time waits on the lock, then finds nothing
 * pending. If a migration fails, the transaction rolls back and the schema is as before.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'all';
      const applied = await executor.executePendingMigrations();
      return applied.map((m) => m.name);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await queryRunner.release();
  }
}

/**
 * Opens a short-lived DataSource, applies pending migrations and closes it (used at start and by
 * `tailor migrate`). In embedded mode call it before opening the app's DataSource: the embedded
 * server takes one connection at a time.
 */
export async function runMigrations(url: string, embedded: boolean): Promise<string[]> {
  const dataSource = await createDataSource({ url, embedded, logging: ['error'] });
  try {
    return await runPendingMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
