import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '../../..');
const SOURCES: Record<string, string> = {
  'embedded-postgres.js': 'libs/persistence/src/embedded/embedded-postgres.ts',
  'data-dir-lock.js': 'libs/persistence/src/embedded/data-dir-lock.ts',
  'pglite-worker-source.js': 'libs/persistence/src/embedded/pglite-worker-source.ts',
  'common.js': 'libs/common/src/errors.ts',
};

/**
 * A child process that starts the embedded server from the real sources and then commits numbered rows
 * until it is killed, printing each committed number. The sources are transpiled to plain CommonJS
 * (jest's transform is not available to a child process); `@tailor/common` is redirected to the copy.
 */
const CHILD = `
const { Client } = require('pg');
const { startEmbeddedPostgres } = require('./embedded-postgres.js');
(async () => {
  const server = await startEmbeddedPostgres({ dataDir: process.argv[2] });
  const client = new Client({ connectionString: server.url });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS kill_test (n int PRIMARY KEY, payload jsonb NOT NULL)');
  let n = (await client.query('SELECT coalesce(max(n), 0) AS m FROM kill_test')).rows[0].m;
  for (;;) {
    n += 1;
    await client.query('BEGIN');
    await client.query('INSERT INTO kill_test VALUES ($1, $2)', [n, JSON.stringify(Array(500).fill(n))]);
    await client.query('COMMIT');
    process.stdout.write('committed ' + n + '\\n');
  }
})().catch((error) => { console.error(error); process.exit(1); });
`;

export function writeEmbeddedChild(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [out, src] of Object.entries(SOURCES)) {
    const { outputText } = ts.transpileModule(readFileSync(join(ROOT, src), 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    writeFileSync(
      join(dir, out),
      outputText.replace(/require\("@tailor\/common"\)/g, 'require("./common.js")'),
    );
  }
  const script = join(dir, 'child.js');
  writeFileSync(script, CHILD);
  return script;
}

/** Module resolution for the child, whose files live outside the repo. */
export const CHILD_ENV = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
