#!/usr/bin/env node
// `npm start` and the benchmarks call this: it builds with the Nest CLI only when a source file is
// newer than the compiled output, so a fresh clone builds once and later starts are instant.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '../../..');
const targets = {
  api: 'dist/apps/api/apps/api/src/main.js',
  worker: 'dist/apps/worker/apps/worker/src/main.js',
  bench: 'dist/apps/bench/apps/bench/src/search.bench.js',
};

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['api'];
const sources = Math.max(newestSource(join(root, 'apps')), newestSource(join(root, 'libs')));
for (const app of wanted) {
  const out = join(root, targets[app]);
  if (existsSync(out) && statSync(out).mtimeMs >= sources) continue;
  console.error(`building ${app}…`);
  execSync(`npx nest build ${app}`, { cwd: root, stdio: 'inherit' });
}
