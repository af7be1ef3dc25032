import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { invalid, showValue } from '@tailor/common';

/** One file of an export, as a download listing needs it. */
export interface ExportedFile {
  /** File name relative to the export folder (also its name inside a tar). */
  readonly name: string;
  /** Absolute path on disk. */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** Lower-case hex SHA-256 of the content. */
  readonly sha256: string;
}

/** Lower-case hex SHA-256; strings are hashed as UTF-8. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Checks `dir` is a usable path and resolves it, so the paths reported in `ExportedFile` stay valid
 * whatever the caller's cwd later is.
 */
export function exportDirPath(dir: string, field = 'dir'): string {
  if (typeof dir !== 'string' || dir.trim() === '') {
    throw invalid(field, `must be a non-empty directory path, got ${showValue(dir)}`);
  }
  return resolve(dir);
}

/** `exportDirPath`, created if missing. */
export function ensureExportDir(dir: string, field = 'dir'): string {
  const abs = exportDirPath(dir, field);
  mkdirSync(abs, { recursive: true });
  return abs;
}

/** Writes `data` as `dir/name` and describes it. */
export function writeExportedFile(dir: string, name: string, data: Uint8Array | string): ExportedFile {
  const path = join(dir, name);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writeFileSync(path, bytes);
  return { name, path, size: bytes.byteLength, sha256: sha256(bytes) };
}
