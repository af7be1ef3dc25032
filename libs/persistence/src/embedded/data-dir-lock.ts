import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { TailorError } from '@tailor/common';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/**
 * An exclusive lock on an embedded data directory. PGlite itself does not stop a second process
 * from opening the same directory (it writes a fake postmaster.pid and ignores it), and two writers
 * would corrupt it. The lock file names the owning pid; a lock whose process is gone (SIGKILL, crash)
 * is stale and taken over.
 */
export class DataDirLock {
  private released = false;

  private constructor(readonly path: string) {}

  static acquire(path: string): DataDirLock {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
        writeSync(fd, JSON.stringify(owner));
        closeSync(fd);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(path);
      if (owner && isAlive(owner)) {
        throw new TailorError(
          'UNAVAILABLE',
          `the embedded database is in use by process ${owner.pid} on ${owner.host} since ${owner.since}; ` +
            `stop it, or delete ${path} if that process is not a Tailor server`,
          'dataDir',
        );
      }
      // Stale: its owner died without releasing it. Remove and retry once; if another starter wins
      // the race, the retry sees its live lock.
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new TailorError(
      'UNAVAILABLE',
      `could not lock ${path}: another process keeps taking it`,
      'dataDir',
    );
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const owner = readOwner(this.path);
    if (owner?.pid === process.pid) unlinkSync(this.path);
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : null;
  } catch {
    // Unreadable or half-written (the writer died between open and write): treat as stale.
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A pid on another host cannot be checked; assume it is alive rather than risk two writers.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
