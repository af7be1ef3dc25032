import { Client } from 'pg';
import { createDataSource, MIGRATIONS, runMigrations } from '@tailor/persistence';
import { dbTargets, type TestDatabase } from './support/db-targets';

jest.setTimeout(120_000);

const TABLES = [
  'accuracy_tables',
  'agents',
  'api_keys',
  'datasets',
  'device_calibrations',
  'devices',
  'enrollment_tokens',
  'exports',
  'latency_tables',
  'measurement_batches',
  'measurement_tasks',
  'measurements',
  'migrations',
  'predictors',
  'search_evaluations',
  'searches',
  'supernets',
];

describe.each(dbTargets())('migrations on $name', ({ create, embedded }) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await create();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply once, then re-running is a no-op', async () => {
    expect(await runMigrations(db.url, embedded)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await runMigrations(db.url, embedded)).toEqual([]);
    const ds = await createDataSource({ url: db.url, embedded });
    try {
      const tables: { table_name: string }[] = await ds.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(TABLES);
      expect(await ds.query('SELECT name FROM migrations ORDER BY id')).toEqual(
        MIGRATIONS.map((m) => ({ name: m.name })),
      );
    } finally {
      await ds.destroy();
    }
  });

  it('leaves the schema exactly as the entities describe it', async () => {
    const ds = await createDataSource({ url: db.url, embedded });
    try {
      const diff = await ds.driver.createSchemaBuilder().log();
      expect(diff.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});

const postgres = dbTargets().find((t) => !t.embedded);
(postgres ? describe : describe.skip)('concurrent starts against PostgreSQL', () => {
  it('serialize on the advisory lock: one process migrates, the others find nothing pending', async () => {
    const db = await postgres!.create();
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => runMigrations(db.url, false)));
      expect(results.filter((r) => r.length > 0)).toEqual([MIGRATIONS.map((m) => m.name)]);
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query('SELECT count(*)::int AS n FROM migrations');
      await client.end();
      expect(rows[0].n).toBe(MIGRATIONS.length);
    } finally {
      await db.drop();
    }
  });
});
