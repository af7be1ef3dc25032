import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TailorError } from '@tailor/common';
import { createFbnetSpace } from './fbnet/fbnet.space';
import { createNasbench201Space } from './nasbench201/nasbench201.space';
import { SearchSpaceRegistry, defaultSearchSpacesDir } from './registry';
import { REPO_SPACES_DIR } from './testing/spec-definitions';

const OURS = { nasbench201: createNasbench201Space, fbnet: createFbnetSpace };

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-spaces-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const repoFile = (id: string): string => fs.readFileSync(path.join(REPO_SPACES_DIR, `${id}.json`), 'utf8');

function errorOf(fn: () => unknown): TailorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TailorError) return err;
    throw err;
  }
  throw new Error('expected a TailorError');
}

describe('SearchSpaceRegistry', () => {
  it('loads every definition of the repo', () => {
    const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
    expect(registry.ids().sort()).toEqual(['fbnet', 'fmnist-mbv3', 'nasbench201', 'ofa-mbv3']);
    for (const space of registry.list()) {
      expect(registry.get(space.id)).toBe(space);
      expect(registry.has(space.id)).toBe(true);
    }
  });

  it('get() of an unknown id is NOT_FOUND on the given field and lists the known ids', () => {
    const registry = SearchSpaceRegistry.load(
      tempDir({ 'nasbench201.json': repoFile('nasbench201'), 'notes.txt': 'x' }),
      OURS,
    );
    expect(registry.has('darts')).toBe(false);
    const err = errorOf(() => registry.get('darts', 'body.searchSpace'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.field).toBe('body.searchSpace');
    expect(err.message).toBe('body.searchSpace: unknown search space "darts"; known: nasbench201');
  });

  it('a malformed definition names the file, the JSON path and the value', () => {
    const fbnet = JSON.parse(repoFile('fbnet')) as { layers: { stride: number }[] };
    fbnet.layers[3].stride = 3;
    const dir = tempDir({ 'fbnet.json': JSON.stringify(fbnet) });
    const err = errorOf(() => SearchSpaceRegistry.load(dir, OURS));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe(`${path.join(dir, 'fbnet.json')}: layers[3].stride must be ≤ 2, got 3`);
  });

  it('a JSON syntax error names the file and the position', () => {
    const dir = tempDir({ 'nasbench201.json': '{\n  "id": "nasbench201",\n  "name": oops\n}' });
    expect(() => SearchSpaceRegistry.load(dir, OURS)).toThrow(
      `${path.join(dir, 'nasbench201.json')}:3:11: invalid JSON`,
    );
  });

  it('the id must equal the file name, and the file name must be a known id', () => {
    const copied = tempDir({ 'fbnet.json': repoFile('nasbench201') });
    expect(() => SearchSpaceRegistry.load(copied, OURS)).toThrow(
      `${path.join(copied, 'fbnet.json')}: id must be one of fbnet, got "nasbench201"`,
    );
    const unknown = tempDir({ 'darts.json': '{"id": "darts"}' });
    expect(() => SearchSpaceRegistry.load(unknown, OURS)).toThrow(
      `${path.join(unknown, 'darts.json')}: no search space implementation for id "darts"; known ids: nasbench201, fbnet`,
    );
  });
});

describe('defaultSearchSpacesDir', () => {
  it('finds <repo>/search-spaces from the sources', () => {
    expect(defaultSearchSpacesDir()).toBe(REPO_SPACES_DIR);
  });

  it('finds it from a compiled dist/apps/<app>/libs/search-spaces/src folder', () => {
    const root = tempDir({ 'package.json': '{}' });
    fs.mkdirSync(path.join(root, 'search-spaces'));
    const compiled = path.join(root, 'dist/apps/api/libs/search-spaces/src');
    fs.mkdirSync(compiled, { recursive: true });
    // A search-spaces folder without a package.json beside it (the compiled lib's own) is skipped.
    fs.mkdirSync(path.join(root, 'dist/apps/api/libs/search-spaces/src/search-spaces'));
    expect(defaultSearchSpacesDir(compiled)).toBe(path.join(root, 'search-spaces'));
  });
});
