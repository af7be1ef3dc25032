import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLock } from './data-dir-lock';

describe('DataDirLock', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tailor-lock-'));
    path = join(dir, 'pgdata.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

  it('is exclusive while its owner lives, and released by release()', () => {
    const lock = DataDirLock.acquire(path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => DataDirLock.acquire(path)).toThrow(expect.objectContaining({ code: 'UNAVAILABLE' }));
    lock.release();
    lock.release();
    expect(existsSync(path)).toBe(false);
    DataDirLock.acquire(path).release();
  });

  it.each([
    ['a dead process', () => JSON.stringify({ pid: deadPid(), host: hostname(), since: 'then' })],
    ['a half-written file', () => '{"pid": 12'],
  ])('takes over a lock left by %s', (_name, content) => {
    writeFileSync(path, content());
    const lock = DataDirLock.acquire(path);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('does not guess about a lock held from another host', () => {
    writeFileSync(path, JSON.stringify({ pid: deadPid(), host: 'elsewhere', since: 'then' }));
    expect(() => DataDirLock.acquire(path)).toThrow(/in use by process/);
  });
});
