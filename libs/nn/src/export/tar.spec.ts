import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TailorError } from '@tailor/common';
import { sha256 } from './export-files';
import { tarDirectory, tarEntries } from './tar';

let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'tailor-tar-'));
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Contents that exercise padding: empty, exactly one block, one byte over, and a multi-block binary. */
const FILES: Record<string, Buffer> = {
  'model.json': Buffer.from(JSON.stringify({ modelTopology: { a: 1 }, weightsManifest: [] })),
  'empty.txt': Buffer.alloc(0),
  'block.bin': Buffer.alloc(512, 7),
  'over.bin': Buffer.alloc(513, 9),
  'group1-shard1of1.bin': Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256)),
};

function writeFixture(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(FILES)) writeFileSync(join(dir, name), data);
  return Object.keys(FILES);
}

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('hashes %j to the FIPS 180-2 digest', (text, digest) => {
    expect(sha256(text)).toBe(digest);
    expect(sha256(Buffer.from(text))).toBe(digest);
  });
});

describe('tarDirectory', () => {
  it('is read back byte for byte by the system tar, with mode 0644 and mtime 0', () => {
    const src = join(work, 'src');
    const names = writeFixture(src);
    const archive = join(work, 'model.tar');
    writeFileSync(archive, tarDirectory(src, names));

    // GNU tar; --utc so the epoch mtime reads the same in any time zone.
    const listing = execFileSync('tar', ['--utc', '--full-time', '-tvf', archive], { encoding: 'utf8' });
    const lines = listing.trim().split('\n');
    expect(lines.map((line) => line.split(/\s+/).pop())).toEqual(names);
    lines.forEach((line) => expect(line).toMatch(/^-rw-r--r-- .* 1970-01-01 00:00:00 /));

    const out = join(work, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xf', archive, '-C', out]);
    for (const name of names) expect(readFileSync(join(out, name)).equals(FILES[name])).toBe(true);
  });

  it('is deterministic, so its sha256 can serve as an ETag, and changes with the content', () => {
    const names = writeFixture(join(work, 'a'));
    writeFixture(join(work, 'b'));
    const a = tarDirectory(join(work, 'a'), names);
    expect(sha256(tarDirectory(join(work, 'a'), names))).toBe(sha256(a));
    expect(sha256(tarDirectory(join(work, 'b'), names))).toBe(sha256(a));
    writeFileSync(join(work, 'b', 'over.bin'), Buffer.alloc(513, 8));
    expect(sha256(tarDirectory(join(work, 'b'), names))).not.toBe(sha256(a));
  });

  it('pads every entry to 512 bytes and ends with two zero blocks', () => {
    const tar = tarEntries([{ name: 'x', data: Buffer.alloc(513, 1) }]);
    expect(tar.length).toBe(512 + 1024 + 1024);
    expect(tar.subarray(tar.length - 1024).every((b) => b === 0)).toBe(true);
    expect(tar.subarray(257, 263).toString('latin1')).toBe('ustar\0');
  });

  it.each([
    ['an empty dir', '', ['a'], 'dir: must be a non-empty directory path, got ""'],
    ['no files', '.', [], 'files: must list at least one file'],
    ['a parent path', '.', ['../etc/passwd'], 'files[0]: must be a relative file path'],
    ['an absolute path', '.', ['/etc/passwd'], 'files[0]: must be a relative file path'],
    ['a name over 100 bytes', '.', ['a'.repeat(101)], 'files[0]: must be a relative file path'],
  ])('rejects %s with a typed error naming the argument', (_case, dir, files, message) => {
    const call = () => tarDirectory(dir, files);
    expect(call).toThrow(TailorError);
    expect(call).toThrow(message);
  });

  it('rejects duplicate entry names', () => {
    const data = Buffer.alloc(1);
    expect(() =>
      tarEntries([
        { name: 'a', data },
        { name: 'a', data },
      ]),
    ).toThrow('entries[1].name: duplicate "a"');
  });
});
