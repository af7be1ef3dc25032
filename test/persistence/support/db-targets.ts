import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@tailor/persistence';

/** A fresh, empty database: an embedded one in a temp dir, or a throwaway database on DATABASE_URL's server. */
export interface TestDatabase {
  url: string;
  embedded: boolean;
  drop(): Promise<void>;
}

export interface DbTarget {
  name: string;
  embedded: boolean;
  create(): Promise<TestDatabase>;
}

const embeddedTarget: DbTarget = {
  name: 'embedded PGlite',
  embedded: true,
  async create() {
    const dataDir = mkdtempSync(join(tmpdir(), 'tailor-pg-'));
    const server = await startEmbeddedPostgres({ dataDir });
    return {
      url: server.url,
      embedded: true,
      drop: async () => {
        await server.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

function postgresTarget(adminUrl: string): DbTarget {
  return {
    name: 'PostgreSQL (DATABASE_URL)',
    embedded: false,
    async create() {
      const name = `tailor_test_${randomBytes(6).toString('hex')}`;
      await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        embedded: false,
        drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      };
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Embedded always; real Postgres too when DATABASE_URL is set. */
export function dbTargets(): DbTarget[] {
  const url = process.env.DATABASE_URL;
  return url ? [embeddedTarget, postgresTarget(url)] : [embeddedTarget];
}
