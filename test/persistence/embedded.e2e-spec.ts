import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createDataSource, runMigrations, startEmbeddedPostgres } from '@tailor/persistence';
import { CHILD_ENV, writeEmbeddedChild } from './support/embedded-child';

jest.setTimeout(180_000);

const log = (line: string): void => console.log(`[embedded] ${line}`);

describe('embedded PGlite server', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tailor-embedded-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('persists across restarts; first start and restart times', async () => {
    const dataDir = join(dir, 'restart');
    let t = Date.now();
    const first = await startEmbeddedPostgres({ dataDir });
    const firstMs = Date.now() - t;
    t = Date.now();
    await runMigrations(first.url, true);
    const migrateMs = Date.now() - t;
    const client = new Client({ connectionString: first.url });
    await client.connect();
    await client.query(
      'CREATE TABLE t (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), at timestamptz NOT NULL DEFAULT now(), v jsonb NOT NULL, x float8 NOT NULL)',
    );
    t = Date.now();
    const n = 500;
    for (let i = 0; i < n; i++)
      await client.query('INSERT INTO t (v, x) VALUES ($1, $2)', [JSON.stringify({ i }), i]);
    const perInsertMs = (Date.now() - t) / n;
    await client.query(`INSERT INTO t (v, x) VALUES ('{}', 'Infinity')`);
    await client.end();
    await first.close();
    await first.close();
    expect(existsSync(join(dataDir, 'pgdata.lock'))).toBe(false);

    t = Date.now();
    const second = await startEmbeddedPostgres({ dataDir });
    const restartMs = Date.now() - t;
    try {
      const ds = await createDataSource({ url: second.url, embedded: true });
      const [row] = await ds.query(`SELECT count(*)::int AS n, max(x) AS inf, min(at) AS at FROM t`);
      expect(row.n).toBe(n + 1);
      expect(row.inf).toBe(Infinity);
      expect(row.at).toBeInstanceOf(Date);
      await ds.destroy();
      expect(await runMigrations(second.url, true)).toEqual([]);
    } finally {
      await second.close();
    }
    log(
      `first start (initdb) ${firstMs} ms, migrations ${migrateMs} ms, restart ${restartMs} ms, ` +
        `sequential autocommit insert ${perInsertMs.toFixed(2)} ms/row`,
    );
  });

  it('serves one client at a time: the next waits, and a client leaving mid-transaction is rolled back', async () => {
    const server = await startEmbeddedPostgres({ dataDir: join(dir, 'gate') });
    try {
      const a = new Client({ connectionString: server.url });
      await a.connect();
      await a.query('CREATE TABLE g (n int)');
      await a.query('BEGIN');
      await a.query('INSERT INTO g VALUES (1)');
      const waiting = new Client({ connectionString: server.url, connectionTimeoutMillis: 1_000 });
      await expect(waiting.connect()).rejects.toThrow(/timeout/);
      const b = new Client({ connectionString: server.url, connectionTimeoutMillis: 10_000 });
      const bConnected = b.connect();
      await a.end(); // without COMMIT
      await bConnected;
      expect((await b.query('SELECT count(*)::int AS n FROM g')).rows[0].n).toBe(0);
      await b.query('BEGIN');
      await b.query('INSERT INTO g VALUES (2)');
      await b.query('COMMIT');
      expect((await b.query('SELECT n FROM g')).rows).toEqual([{ n: 2 }]);
      await b.end();
    } finally {
      await server.close();
    }
  });

  it('refuses a data dir another live process holds', async () => {
    const dataDir = join(dir, 'locked');
    const server = await startEmbeddedPostgres({ dataDir });
    try {
      await expect(startEmbeddedPostgres({ dataDir })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await server.close();
    }
  });

  it('reopens the data dir after the owning process is SIGKILLed mid-write, keeping every committed row', async () => {
    const dataDir = join(dir, 'killed');
    const script = writeEmbeddedChild(join(dir, 'child'));
    let lastCommitted = 0;
    for (const rowsBeforeKill of [1, 40]) {
      const child = spawn(process.execPath, [script, dataDir], {
        env: CHILD_ENV,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (d: Buffer) => {
          buffered += d.toString();
          const numbers = [...buffered.matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));
          if (numbers.length > 0) lastCommitted = numbers[numbers.length - 1];
          if (numbers.length >= rowsBeforeKill) resolve();
        });
        child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
      });
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(JSON.parse(readFileSync(join(dataDir, 'pgdata.lock'), 'utf8')).pid).toBe(child.pid);

      const t = Date.now();
      const server = await startEmbeddedPostgres({ dataDir });
      const reopenMs = Date.now() - t;
      try {
        const client = new Client({ connectionString: server.url });
        await client.connect();
        const { rows } = await client.query('SELECT count(*)::int AS n, max(n) AS m FROM kill_test');
        await client.end();
        // Everything the child saw committed is there, and nothing torn: rows are 1..m without gaps.
        expect(rows[0].m).toBeGreaterThanOrEqual(lastCommitted);
        expect(rows[0].n).toBe(rows[0].m);
        log(
          `reopened after SIGKILL in ${reopenMs} ms with ${rows[0].n} rows (child reported ${lastCommitted})`,
        );
      } finally {
        await server.close();
      }
    }
  });
});
