import type { ArchParser, SpaceResolver } from './dataset-types';
import { IssueCollector, ROOT_FIELD } from './issue-collector';

/**
 * Space names used by data files that differ from Tailor's ids. HELP calls the OFA MobileNetV3
 * space `ofa`; Tailor also has room for other OFA backbones, hence `ofa-mbv3`.
 */
export const SPACE_ALIASES: Readonly<Record<string, string>> = { ofa: 'ofa-mbv3' };

/** Device ids and dataset names become URL segments and database keys. */
export const SLUG = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const SLUG_RULE =
  'must be a lowercase slug (a-z, 0-9, _ . -; at most 64 chars, starting alphanumeric)';

export interface ArchColumn {
  space: ArchParser;
  /** Canonical strings of the kept archs, file order. */
  archKeys: string[];
  archs: unknown[];
  /** Number of archs in the file, duplicates included. */
  archsInFile: number;
  /** For each arch of the file, the index of the kept arch with the same canonical string. */
  rawToKept: number[];
  /** For each kept arch, its index in the file. */
  keptRaw: number[];
  duplicates: number;
}

export function requireRecord(
  value: unknown,
  field: string,
  issues: IssueCollector,
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.fail(field, 'must be a JSON object', value);
  }
  return value as Record<string, unknown>;
}

export function readRoot(json: unknown, issues: IssueCollector): Record<string, unknown> {
  const root = requireRecord(json, ROOT_FIELD, issues);
  // Only version 1 exists; refusing others keeps a future format from being misread silently.
  if (root.schemaVersion !== 1) issues.fail('schemaVersion', 'must be 1', root.schemaVersion);
  return root;
}

export function resolveSearchSpace(
  id: unknown,
  resolveSpace: SpaceResolver,
  issues: IssueCollector,
): ArchParser {
  if (typeof id !== 'string' || id.length === 0) issues.fail('searchSpace', 'must be a non-empty string', id);
  const tailorId = SPACE_ALIASES[id] ?? id;
  try {
    return resolveSpace(tailorId);
  } catch (err) {
    const why = err instanceof Error ? ` (${err.message})` : '';
    return issues.fail('searchSpace', `is not a known search space${why}`, id);
  }
}

/**
 * Parses every arch (reporting each bad one with its index) and drops later archs whose canonical
 * string repeats an earlier one, e.g. OFA configs that differ only in inactive layers.
 */
export function readArchColumn(
  root: Record<string, unknown>,
  space: ArchParser,
  issues: IssueCollector,
): ArchColumn {
  const raw = root.archs;
  if (!Array.isArray(raw) || raw.length === 0) issues.fail('archs', 'must be a non-empty array', raw);
  const archKeys: string[] = [];
  const archs: unknown[] = [];
  const rawToKept: number[] = new Array<number>(raw.length).fill(-1);
  const keptRaw: number[] = [];
  const firstByKey = new Map<string, number>();
  for (let i = 0; i < raw.length; i++) {
    let arch: unknown;
    try {
      arch = space.parse(raw[i], `archs[${i}]`);
    } catch (err) {
      issues.addThrown(`archs[${i}]`, err);
      continue;
    }
    const key = space.canonical(arch);
    const first = firstByKey.get(key);
    if (first !== undefined) {
      rawToKept[i] = first;
      continue;
    }
    firstByKey.set(key, archKeys.length);
    rawToKept[i] = archKeys.length;
    keptRaw.push(i);
    archKeys.push(key);
    archs.push(space.toJSON(arch));
  }
  // Value columns are aligned by index, so they cannot be checked against a partly parsed arch list.
  issues.check();
  return {
    space,
    archKeys,
    archs,
    archsInFile: raw.length,
    rawToKept,
    keptRaw,
    duplicates: raw.length - keptRaw.length,
  };
}

/**
 * Keeps the values of the kept archs. For a duplicate arch the first occurrence's value wins even
 * when the later one differs: both are separate, equally valid measurements of the same network,
 * and taking the first keeps the result independent of how many repeats the file has.
 */
export function keepFirst(values: readonly number[], column: ArchColumn): number[] {
  return column.keptRaw.map((i) => values[i]);
}

/** Checks a value column's shape and every entry; returns it unchanged (in file order) when valid. */
export function readValueColumn(
  value: unknown,
  field: string,
  expectedLength: number,
  check: (x: number) => boolean,
  rule: string,
  issues: IssueCollector,
): number[] | undefined {
  if (!Array.isArray(value)) {
    issues.add(field, 'must be an array of numbers', value);
    return undefined;
  }
  if (value.length !== expectedLength) {
    issues.addMessage(field, `must have ${expectedLength} entries (one per arch), got ${value.length}`);
    return undefined;
  }
  let ok = true;
  for (let i = 0; i < value.length; i++) {
    const x: unknown = value[i];
    if (typeof x !== 'number' || !check(x)) {
      issues.add(`${field}[${i}]`, rule, x);
      ok = false;
    }
  }
  return ok ? (value as number[]) : undefined;
}

export function stats(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { min: sorted[0], median, max: sorted[n - 1] };
}
