import { Rng, TailorError, invalid, showValue } from '@tailor/common';

/**
 * Helpers shared by spaces whose arch is a fixed-length list of categorical choices, one per
 * position (NAS-Bench-201 edges, FBNet layers). `choices[i]` lists the options of position i.
 */
export type Choices = readonly (readonly string[])[];

const listOf = (options: readonly string[]): string => options.join(', ');

/** Checks an array of op names (or, when `allowIndices`, op indices) position by position. */
export function parseOpArray(
  input: readonly unknown[],
  choices: Choices,
  field: string,
  allowIndices: boolean,
): string[] {
  if (input.length !== choices.length) {
    throw invalid(field, `expected ${choices.length} ops, got ${input.length}: ${showValue(input)}`);
  }
  return input.map((value, i) => {
    const options = choices[i];
    if (allowIndices && typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value >= options.length) {
        throw invalid(
          `${field}[${i}]`,
          `op index must be an integer in [0, ${options.length - 1}], got ${showValue(value)}`,
        );
      }
      return options[value];
    }
    if (typeof value !== 'string' || !options.includes(value)) {
      throw invalid(`${field}[${i}]`, `unknown op ${showValue(value)}, expected one of ${listOf(options)}`);
    }
    return value;
  });
}

export function sampleOps(choices: Choices, rng: Rng): string[] {
  return choices.map((options) => rng.pick(options));
}

export function checkProbability(probability: number, field = 'probability'): void {
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) {
    throw invalid(field, `must be a number in [0, 1], got ${showValue(probability)}`);
  }
}

/**
 * Each position is resampled with probability `probability`; a resampled position draws among the
 * *other* options, so a mutation always changes the gene it touches (a same-value draw would silently
 * waste an evaluation in evolutionary search).
 */
export function mutateOps(
  arch: readonly string[],
  choices: Choices,
  rng: Rng,
  probability: number,
): string[] {
  checkProbability(probability);
  return arch.map((op, i) => {
    const options = choices[i];
    if (options.length < 2 || !rng.bool(probability)) return op;
    const others = options.filter((o) => o !== op);
    return rng.pick(others);
  });
}

/** Uniform crossover: each position comes from either parent with probability ½. */
export function crossoverOps(a: readonly string[], b: readonly string[], rng: Rng): string[] {
  if (a.length !== b.length) {
    throw invalid('parents', `parents must have the same length, got ${a.length} and ${b.length}`);
  }
  return a.map((op, i) => (rng.bool(0.5) ? op : b[i]));
}

/** One-hot of each position over its options, concatenated. */
export function oneHotOps(arch: readonly string[], choices: Choices): number[] {
  const out: number[] = [];
  arch.forEach((op, i) => {
    for (const option of choices[i]) out.push(option === op ? 1 : 0);
  });
  return out;
}

/** Runs `parse` and turns its INVALID_ARGUMENT into the non-throwing result of `SearchSpace.validate`. */
export function validateWith<A>(
  parse: (input: unknown, field: string) => A,
  input: unknown,
  field = 'arch',
): { ok: true; arch: A } | { ok: false; field: string; message: string } {
  try {
    return { ok: true, arch: parse(input, field) };
  } catch (err) {
    if (err instanceof TailorError && err.code === 'INVALID_ARGUMENT') {
      const at = err.field ?? field;
      // TailorError prefixes its message with the field; the result carries the field separately.
      const message = err.message.startsWith(`${at}: `) ? err.message.slice(at.length + 2) : err.message;
      return { ok: false, field: at, message };
    }
    throw err;
  }
}

/** Refuses `enumerate()` on spaces too large to list. */
export function notEnumerable(id: string, cardinality: bigint): TailorError {
  return new TailorError(
    'INVALID_ARGUMENT',
    `search space "${id}" has ${cardinality} architectures and cannot be enumerated; sample it instead`,
    'searchSpace',
  );
}
