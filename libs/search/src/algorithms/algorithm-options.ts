import { invalid, showValue } from '@tailor/common';

/** Declarative description of one numeric option: validation and API docs come from the same data. */
export interface OptionSpec {
  readonly type: 'integer' | 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** When true, `min` itself is not allowed (e.g. a probability that must be > 0). */
  readonly minExclusive?: boolean;
  readonly description: string;
}

export type OptionSpecs<T> = { readonly [K in keyof T]: OptionSpec };

/**
 * Merges user options over the defaults and validates them, naming the offending option
 * (`options.populationSize`) so the API can return a precise 400.
 */
export function readOptions<T extends Record<string, number>>(
  specs: OptionSpecs<T>,
  input: unknown,
  field = 'options',
): T {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    throw invalid(field, `must be an object, got ${showValue(input)}`);
  }
  const given = (input ?? {}) as Record<string, unknown>;
  const names = Object.keys(specs);
  for (const k of Object.keys(given)) {
    if (!names.includes(k))
      throw invalid(`${field}.${k}`, `is not an option; expected one of ${names.join(', ')}`);
  }
  const out: Record<string, number> = {};
  for (const k of names) {
    const spec = specs[k as keyof T];
    const v = given[k] === undefined ? spec.default : given[k];
    const path = `${field}.${k}`;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw invalid(path, `must be a finite number, got ${showValue(v)}`);
    if (spec.type === 'integer' && !Number.isInteger(v)) throw invalid(path, `must be an integer, got ${v}`);
    const tooLow = spec.minExclusive ? v <= spec.min : v < spec.min;
    if (tooLow || v > spec.max) {
      const lo = spec.minExclusive ? `(${spec.min}` : `[${spec.min}`;
      throw invalid(path, `must be in ${lo}, ${spec.max}], got ${v}`);
    }
    out[k] = v;
  }
  return out as T;
}

/** Option defaults as plain data, for `ALGORITHMS` metadata. */
export function optionDefaults<T>(specs: OptionSpecs<T>): Record<string, number> {
  return Object.fromEntries(Object.entries<OptionSpec>(specs).map(([k, s]) => [k, s.default]));
}
