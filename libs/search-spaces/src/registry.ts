import * as fs from 'node:fs';
import * as path from 'node:path';
import { TailorError } from '@tailor/common';
import { DefinitionReader } from './definition-reader';
import { createFbnetSpace } from './fbnet/fbnet.space';
import { createFmnistMbv3Space } from './fmnist-mbv3/fmnist-mbv3.space';
import { parseJsonText } from './json-file';
import { createNasbench201Space } from './nasbench201/nasbench201.space';
import { createOfaMbv3Space } from './ofa-mbv3/ofa-mbv3.space';
import type { SearchSpace } from './search-space';

export type SearchSpaceFactory = (reader: DefinitionReader) => SearchSpace;

/** Implemented spaces by id; a definition file `<id>.json` is built by its id's factory. */
export const SEARCH_SPACE_FACTORIES: Readonly<Record<string, SearchSpaceFactory>> = Object.freeze({
  nasbench201: createNasbench201Space,
  fbnet: createFbnetSpace,
  'ofa-mbv3': createOfaMbv3Space,
  'fmnist-mbv3': createFmnistMbv3Space,
});

/**
 * `<repo>/search-spaces`, found by walking up from this file until a folder holds both `search-spaces/`
 * and `package.json`: works from `libs/search-spaces/src` (ts-jest) and from the compiled
 * `dist/apps/<app>/libs/search-spaces/src`.
 */
export function defaultSearchSpacesDir(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, 'search-spaces');
    if (
      fs.existsSync(path.join(dir, 'package.json')) &&
      fs.statSync(candidate, { throwIfNoEntry: false })?.isDirectory()
    ) {
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new TailorError('INTERNAL', `no search-spaces/ folder beside a package.json above ${start}`);
    }
    dir = parent;
  }
}

/** The loaded search spaces, one per `<id>.json` definition file. */
export class SearchSpaceRegistry {
  private constructor(private readonly spaces: ReadonlyMap<string, SearchSpace>) {}

  /** Loads every `*.json` in `dir`; any bad file fails the whole load with its name in the message. */
  static load(
    dir: string,
    factories: Readonly<Record<string, SearchSpaceFactory>> = SEARCH_SPACE_FACTORIES,
  ): SearchSpaceRegistry {
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    const spaces = new Map<string, SearchSpace>();
    for (const name of files) {
      const file = path.join(dir, name);
      const id = name.slice(0, -'.json'.length);
      const root = parseJsonText(file, fs.readFileSync(file, 'utf8'));
      const factory = Object.hasOwn(factories, id) ? factories[id] : undefined;
      if (!factory) {
        throw new TailorError(
          'INVALID_ARGUMENT',
          `${file}: no search space implementation for id "${id}"; known ids: ${Object.keys(factories).join(', ')}`,
          undefined,
          { file },
        );
      }
      const reader = new DefinitionReader(file, root);
      reader.expectId(id);
      const space = factory(reader);
      if (space.id !== id) reader.fail('id', `built a space with id "${space.id}"`, id);
      spaces.set(id, space);
    }
    return new SearchSpaceRegistry(spaces);
  }

  has(id: string): boolean {
    return this.spaces.has(id);
  }

  get(id: string, field = 'searchSpace'): SearchSpace {
    const space = this.spaces.get(id);
    if (!space) {
      throw new TailorError(
        'NOT_FOUND',
        `unknown search space ${JSON.stringify(id)}; known: ${this.ids().join(', ')}`,
        field,
      );
    }
    return space;
  }

  list(): SearchSpace[] {
    return [...this.spaces.values()];
  }

  ids(): string[] {
    return [...this.spaces.keys()];
  }
}
