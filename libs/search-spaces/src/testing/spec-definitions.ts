import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefinitionReader } from '../definition-reader';

/** Test helper: the repo's `search-spaces/` folder and a reader over one of its files. */
export const REPO_SPACES_DIR = path.resolve(__dirname, '../../../../search-spaces');
/** HELP latency data, kept beside the repo (never copied into it). */
export const HELP_DATA_DIR = path.resolve(__dirname, '../../../../../shared/data/help');

export function readerFor(id: string, edit?: (json: Record<string, unknown>) => void): DefinitionReader {
  const file = path.join(REPO_SPACES_DIR, `${id}.json`);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit?.(json);
  return new DefinitionReader(`search-spaces/${id}.json`, json);
}
