import { invalid, showValue } from '@tailor/common';
import { EXPORT_FORMATS, type ExportFormat } from '@tailor/persistence';

export interface CreateExport {
  /** Id of a succeeded supernet. */
  readonly supernet: string;
  /** Canonical arch string, or the space's structured form. */
  readonly arch: unknown;
  /** Default: both formats. */
  readonly formats?: unknown;
  /** A farm device to measure the exported model's latency on. */
  readonly device?: unknown;
}

export interface CreateSearchExport {
  /** Id of a succeeded search over a supernet's space. */
  readonly search: string;
  /** Index into the search's candidates (0, the default, is its answer). */
  readonly candidate?: number;
  readonly formats?: unknown;
}

/**
 * The formats a request asks for, deduplicated in a fixed order (onnx, tfjs) so that equal requests
 * store equal rows. Absent means every format; an empty list is refused rather than read as "all".
 */
export function exportFormats(input: unknown): ExportFormat[] {
  if (input === undefined) return [...EXPORT_FORMATS];
  const allowed = EXPORT_FORMATS.join(', ');
  if (!Array.isArray(input) || input.length === 0)
    throw invalid('formats', `must be a non-empty list of ${allowed}, got ${showValue(input)}`);
  input.forEach((f, i) => {
    if (!EXPORT_FORMATS.includes(f as ExportFormat))
      throw invalid(`formats[${i}]`, `must be one of ${allowed}, got ${showValue(f)}`);
  });
  return EXPORT_FORMATS.filter((f) => input.includes(f));
}

/**
 * A file-name-safe short form of a canonical arch: inactive slots (`x`) dropped and single-digit
 * lists run together, e.g. `w0.75-d1,1,1,1-ks3,x,x,5,x,x,…` → `w0.75-d1111-ks35…`. Enough to tell
 * downloads apart at a glance; the export id in the name keeps them unique.
 */
export function archFileStem(canonical: string): string {
  const short = canonical
    .split('-')
    .map((segment) => {
      const m = /^([a-z]+)(.*)$/i.exec(segment);
      if (!m) return segment;
      const values = m[2].split(',').filter((v) => v !== 'x');
      return m[1] + values.join(values.every((v) => v.length === 1) ? '' : '.');
    })
    .join('-');
  const safe = short.replace(/[^A-Za-z0-9._-]+/g, '_');
  return safe.length > 80 ? safe.slice(0, 80) : safe || 'subnet';
}

/** `<arch-short>-<first 8 of the id>.onnx|.tar`: what a download is saved as. */
export function downloadFileName(canonical: string, id: string, format: ExportFormat): string {
  return `${archFileStem(canonical)}-${id.slice(0, 8)}.${format === 'onnx' ? 'onnx' : 'tar'}`;
}
