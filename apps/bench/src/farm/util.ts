/** Small helpers shared by the benchmarks: progress logging, percentiles, tables. */
import * as path from 'node:path';
import { quantileSorted } from '@tailor/common';

const t0 = Date.now();
/** `bench:farm`, `bench:constrained-nas`, …: named after the entry script (`<name>.bench.js`). */
const label = `bench:${path.basename(process.argv[1] ?? 'bench', '.js').replace(/\.bench$/, '')}`;

/** Progress goes to stderr so stdout holds only the tables (and can be redirected to a file). */
export function log(message: string): void {
  process.stderr.write(`[${label} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Quantile (0..1) of unsorted values; NaN when there are none, so empty columns print as "–". */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Fixed-width-ish number formatting: enough digits to compare, never scientific. */
export function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

export const pct = (part: number, whole: number): string =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';

/**
 * A markdown table whose columns are padded to equal width, so it reads well both in a terminal and
 * pasted into a PR. Columns whose cells are all numbers are right-aligned.
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,–%\s/()]+(m [\d.]+s|s)?$/.test(r[i] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Wall time as "1m 23.4s" or "4.2s". */
export function duration(ms: number): string {
  const s = ms / 1000;
  return s >= 60 ? `${Math.floor(s / 60)}m ${(s % 60).toFixed(1)}s` : `${s.toFixed(1)}s`;
}

/** Text of an unknown error, for one-line messages. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
