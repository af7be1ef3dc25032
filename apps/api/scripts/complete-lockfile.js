#!/usr/bin/env node
// The registry this project is built against serves only the Linux builds of platform-specific optional
// packages, so npm 11 leaves the other platforms' entries out of package-lock.json, and `npm ci` then
// refuses the lock as out of sync. This re-adds each missing optional entry (version, os, cpu from the
// package name): npm ci accepts the lock and skips them on install. Run after `npm install`.
const { readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');

const file = resolve(__dirname, '../../../package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const meta of Object.values(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pkgs[key]) continue;
    const m = /-(darwin|linux|win32|freebsd|android|openharmony|netbsd|openbsd|sunos|aix)-([a-z0-9]+)/.exec(
      dep,
    );
    pkgs[key] = m ? { version, cpu: [m[2]], optional: true, os: [m[1]] } : { version, optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);
