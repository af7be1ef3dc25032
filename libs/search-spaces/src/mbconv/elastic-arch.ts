import { TailorError, invalid, showValue } from '@tailor/common';
import { type ElasticNetSpec, layerSlots, maxDepth } from './elastic-net';
import { type ElasticArch, isActiveSlot } from './elastic-layers';

/**
 * Canonical string of an elastic arch, e.g. (OFA, 20 slots)
 *   `w1.0-r160-d2,3,4,2,3-ks3,7,x,x,5,5,3,x,…-e4,6,x,x,3,3,6,x,…`
 * - `w`: width multiplier, always with a decimal point (`1.0`, `1.2`, `0.75`);
 * - `r`: input resolution, omitted when the space has a single resolution;
 * - `d`: depth per stage; `ks` / `e`: kernel size and expand ratio per block slot, stage-major, with
 *   `x` for inactive slots (beyond the stage's depth), so archs that build the same network share it.
 * Parsing accepts a number or `x` in inactive slots and stores the smallest choice there.
 */
export function formatElasticArch(spec: ElasticNetSpec, arch: ElasticArch): string {
  const mask = (values: readonly number[]): string =>
    values.map((v, i) => (isActiveSlot(spec, arch.d, i) ? String(v) : 'x')).join(',');
  const parts = [`w${formatWidth(arch.w)}`];
  if (spec.resolutions.length > 1) parts.push(`r${arch.r}`);
  parts.push(`d${arch.d.join(',')}`, `ks${mask(arch.ks)}`, `e${mask(arch.e)}`);
  return parts.join('-');
}

export const formatWidth = (w: number): string => (Number.isInteger(w) ? w.toFixed(1) : String(w));

const oneOf = (choices: readonly number[]): string => `must be one of ${choices.join(', ')}`;

function checkChoice(field: string, value: unknown, choices: readonly number[]): number {
  if (typeof value !== 'number' || !choices.includes(value))
    throw invalid(field, `${oneOf(choices)}, got ${showValue(value)}`);
  return value;
}

function checkArray(field: string, value: unknown, length: number): unknown[] {
  if (!Array.isArray(value))
    throw invalid(field, `must be an array of ${length} numbers, got ${showValue(value)}`);
  if (value.length !== length) throw invalid(field, `must have ${length} items, got ${value.length}`);
  return value;
}

/** Parses the structured form `{ks, e, d, r?, w?}` (HELP's OFA configs have no `w`; it defaults). */
export function parseElasticObject(spec: ElasticNetSpec, input: object, field: string): ElasticArch {
  const obj = input as Record<string, unknown>;
  const elasticR = spec.resolutions.length > 1;
  const known = elasticR ? ['ks', 'e', 'd', 'r', 'w'] : ['ks', 'e', 'd', 'w'];
  for (const key of Object.keys(obj))
    if (!known.includes(key))
      throw invalid(`${field}.${key}`, `is not a field of this space (fields: ${known.join(', ')})`);
  const slots = layerSlots(spec);
  const d = checkArray(`${field}.d`, obj.d, spec.stages.length).map((v, i) =>
    checkChoice(`${field}.d[${i}]`, v, spec.depths),
  );
  const ks = checkArray(`${field}.ks`, obj.ks, slots).map((v, i) =>
    checkChoice(`${field}.ks[${i}]`, v, spec.kernels),
  );
  const e = checkArray(`${field}.e`, obj.e, slots).map((v, i) =>
    checkChoice(`${field}.e[${i}]`, v, spec.expandRatios),
  );
  let r = spec.resolutions[spec.resolutions.length - 1];
  if (elasticR) {
    if (obj.r === undefined) throw invalid(`${field}.r`, `is required (${spec.resolutions[0]}..${r})`);
    r = checkChoice(`${field}.r`, obj.r, spec.resolutions);
  }
  const w = obj.w === undefined ? spec.defaultWidth : checkChoice(`${field}.w`, obj.w, spec.widths);
  return { ks, e, d, r, w };
}

/** Parses the canonical string (see formatElasticArch); errors name the same paths as the structured form. */
export function parseElasticString(spec: ElasticNetSpec, input: string, field: string): ElasticArch {
  const elasticR = spec.resolutions.length > 1;
  const keys = elasticR ? ['w', 'r', 'd', 'ks', 'e'] : ['w', 'd', 'ks', 'e'];
  const segments = input.trim().split('-');
  const shape = `must look like "${keys.map((k) => `${k}…`).join('-')}"`;
  if (segments.length !== keys.length) throw invalid(field, `${shape}, got ${showValue(input)}`);
  const values = new Map<string, string>();
  segments.forEach((seg, i) => {
    if (!seg.startsWith(keys[i]) || !/^[0-9x.,]*$/.test(seg.slice(keys[i].length)))
      throw invalid(
        field,
        `${shape} (segment ${i + 1} should start with "${keys[i]}"), got ${showValue(seg)}`,
      );
    values.set(keys[i], seg.slice(keys[i].length));
  });
  const num = (s: string): number | string => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : s);
  const list = (key: string, length: number): string[] => {
    const items = (values.get(key) ?? '').split(',');
    if (items.length !== length)
      throw invalid(`${field}.${key}`, `must have ${length} items, got ${items.length}`);
    return items;
  };

  const w = checkChoice(`${field}.w`, num(values.get('w') ?? ''), spec.widths);
  const r = elasticR
    ? checkChoice(`${field}.r`, num(values.get('r') ?? ''), spec.resolutions)
    : spec.resolutions[spec.resolutions.length - 1];
  const d = list('d', spec.stages.length).map((s, i) => checkChoice(`${field}.d[${i}]`, num(s), spec.depths));
  const slots = layerSlots(spec);
  const genes = (key: string, choices: readonly number[]): number[] =>
    list(key, slots).map((s, i) => {
      if (s === 'x') {
        if (isActiveSlot(spec, d, i))
          throw invalid(
            `${field}.${key}[${i}]`,
            `${oneOf(choices)} (the slot is active: its stage has depth ${d[Math.floor(i / maxDepth(spec))]}), got "x"`,
          );
        return choices[0];
      }
      return checkChoice(`${field}.${key}[${i}]`, num(s), choices);
    });
  return { ks: genes('ks', spec.kernels), e: genes('e', spec.expandRatios), d, r, w };
}

export function parseElasticArch(spec: ElasticNetSpec, input: unknown, field: string): ElasticArch {
  if (typeof input === 'string') return parseElasticString(spec, input, field);
  if (input !== null && typeof input === 'object' && !Array.isArray(input))
    return parseElasticObject(spec, input, field);
  throw invalid(field, `must be a canonical arch string or an object {ks, e, d, …}, got ${showValue(input)}`);
}

/** Non-throwing parse in the shape of SearchSpace.validate; the message does not repeat the field. */
export function validateWith<A>(
  parse: (input: unknown, field: string) => A,
  input: unknown,
): { ok: true; arch: A } | { ok: false; field: string; message: string } {
  try {
    return { ok: true, arch: parse(input, 'arch') };
  } catch (err) {
    if (!(err instanceof TailorError)) throw err;
    const field = err.field ?? 'arch';
    const prefix = `${field}: `;
    return {
      ok: false,
      field,
      message: err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message,
    };
  }
}
