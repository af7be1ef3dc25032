import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalid, showValue } from '@tailor/common';
import { exportDirPath } from './export-files';

export interface TarEntry {
  /** Path inside the archive: relative, '/'-separated, at most 100 bytes (no ustar prefix split). */
  readonly name: string;
  readonly data: Uint8Array;
}

const BLOCK = 512;
/** Largest size an 11-digit octal field holds (8 GiB − 1). */
const MAX_SIZE = 8 ** 11 - 1;

/** NUL-terminated zero-padded octal, the ustar encoding of numeric fields. */
function octal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}

function checkName(name: string, field: string): Buffer {
  const bytes = Buffer.from(name, 'utf8');
  const bad =
    name === '' ||
    bytes.length > 100 ||
    name.startsWith('/') ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.split('/').some((part) => part === '' || part === '.' || part === '..');
  if (bad) throw invalid(field, `must be a relative file path of 1–100 bytes, got ${showValue(name)}`);
  return bytes;
}

/**
 * The 512-byte ustar header of a regular file. Owner, group and mtime are fixed to 0 and the mode to
 * 0644, so the archive depends on names and contents only: its hash can serve as an HTTP ETag.
 */
function header(name: Buffer, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  name.copy(h, 0);
  octal(h, 100, 8, 0o644);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0); // mtime
  h.write('0', 156, 'ascii'); // typeflag: regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  // The checksum is computed with its own field read as eight spaces.
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** A POSIX ustar archive of `entries` in the given order; deterministic for given names and contents. */
export function tarEntries(entries: readonly TarEntry[]): Buffer {
  const seen = new Set<string>();
  const parts: Buffer[] = [];
  entries.forEach((entry, i) => {
    const name = checkName(entry.name, `entries[${i}].name`);
    if (seen.has(entry.name)) throw invalid(`entries[${i}].name`, `duplicate ${showValue(entry.name)}`);
    seen.add(entry.name);
    const size = entry.data.byteLength;
    if (size > MAX_SIZE) throw invalid(`entries[${i}].data`, `${size} bytes exceeds the ustar limit`);
    parts.push(header(name, size), Buffer.from(entry.data.buffer, entry.data.byteOffset, size));
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  });
  // End of archive: two zero blocks.
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** Archives `files` (paths relative to `dir`, kept as the entry names) in the given order. */
export function tarDirectory(dir: string, files: readonly string[]): Buffer {
  const abs = exportDirPath(dir);
  if (files.length === 0) throw invalid('files', 'must list at least one file, got []');
  files.forEach((f, i) => checkName(f, `files[${i}]`));
  return tarEntries(files.map((name) => ({ name, data: readFileSync(join(abs, name)) })));
}
