import { TailorError, invalid, showValue } from '@tailor/common';
import { parseAccuracyTable } from './accuracy-table-parser';
import type { Dataset, DatasetKind, ParseOptions, SpaceResolver } from './dataset-types';
import { ROOT_FIELD, show } from './issue-collector';
import { locateJsonError } from './json-error-locator';
import { parseLatencyTable } from './latency-table-parser';

/** Field named by errors about the file as a whole (encoding, JSON syntax). */
const FILE_FIELD = 'file';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Tells a latency table (`devices` + `latencyUnit`) from an accuracy table (`accuracy` object +
 * `archs`, no `devices`). Only the shape is looked at; the parsers validate the contents. A file that
 * has one of the two latency keys is treated as a broken latency table, so the error says what is missing.
 */
export function detectDatasetKind(json: unknown): DatasetKind {
  if (!isRecord(json)) {
    throw invalid(ROOT_FIELD, `must be a JSON object (a latency or accuracy table), got ${show(json)}`);
  }
  const hasDevices = json.devices !== undefined;
  const hasUnit = json.latencyUnit !== undefined;
  if (hasDevices && hasUnit) return 'latency';
  if (hasDevices)
    throw invalid('latencyUnit', 'is required in a latency table (one with devices), got nothing');
  if (hasUnit) throw invalid('devices', 'is required in a latency table (one with latencyUnit), got nothing');
  if (isRecord(json.accuracy)) {
    if (json.archs === undefined) throw invalid('archs', 'is required in an accuracy table, got nothing');
    return 'accuracy';
  }
  const keys = Object.keys(json).slice(0, 10);
  throw invalid(
    ROOT_FIELD,
    'is neither a latency table (needs devices and latencyUnit) nor an accuracy table ' +
      `(needs an accuracy object and archs); top-level keys are ${showValue(keys)}`,
  );
}

/** Decodes and parses a file's text; syntax errors say where (line and column) and show the spot. */
export function parseDatasetJson(content: Buffer | string, fileName?: string): unknown {
  const where = fileName ? ` [in ${fileName}]` : '';
  let text: string;
  try {
    // Fatal decoding: a UTF-16 or binary upload should fail here, not as a confusing syntax error.
    text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw invalid(FILE_FIELD, `is not UTF-8 text${where}`, fileName ? { file: fileName } : undefined);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // editors on Windows add a BOM
  if (text.trim().length === 0) throw invalid(FILE_FIELD, `is empty${where}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    // V8 reports a position for most errors but not all; the locator fills the gaps.
    const at = /at position (\d+)/.exec(err.message);
    const position = at ? Number(at[1]) : (locateJsonError(text) ?? text.length);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    // V8 messages without a position quote the text themselves; ours shows it once, below.
    const reason = at
      ? err.message
      : position >= text.length
        ? 'unexpected end of input'
        : `unexpected ${showValue(text[position])}`;
    // The offending line around the spot, unescaped so it reads like the user's editor shows it.
    const lineEnd = text.indexOf('\n', position);
    const from = Math.max(position - column + 1, position - 30);
    const near = text.slice(from, Math.min(lineEnd < 0 ? text.length : lineEnd, position + 30)).trimEnd();
    throw new TailorError(
      'INVALID_ARGUMENT',
      `is not valid JSON at line ${line}, column ${column} (${reason}), near \`${near}\`${where}`,
      FILE_FIELD,
      { line, column, position, ...(fileName ? { file: fileName } : {}) },
    );
  }
}

/**
 * Parses an uploaded data file end to end: text → JSON → kind → full validation. Throws a TailorError
 * (INVALID_ARGUMENT) on the first problems; never returns a partly valid dataset. Size limits are the
 * caller's job, since only the caller knows where the bytes come from.
 */
export function parseDatasetFile(
  content: Buffer | string,
  resolveSpace: SpaceResolver,
  opts: ParseOptions = {},
): Dataset {
  const json = parseDatasetJson(content, opts.fileName);
  return detectDatasetKind(json) === 'latency'
    ? parseLatencyTable(json, resolveSpace, opts)
    : parseAccuracyTable(json, resolveSpace, opts);
}
