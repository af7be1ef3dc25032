import { TailorError, showValue } from '@tailor/common';

export interface RgbSpaceHeader {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
}

/**
 * Reads a search-space JSON definition with errors that name the file, the JSON path and the value,
 * e.g. `search-spaces/fbnet.json: layers[3].stride must be 1 or 2, got 3`.
 */
export class DefinitionReader {
  constructor(
    readonly file: string,
    private readonly root: unknown,
  ) {}

  fail(path: string, problem: string, value: unknown): never {
    // No `field`: TailorError would prefix the message with it, and a file path is not a request field.
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${this.file}: ${path} ${problem}, got ${showValue(value)}`,
      undefined,
      {
        file: this.file,
        path,
      },
    );
  }

  at(path: string): unknown {
    let cur: unknown = this.root;
    for (const part of path.match(/[^.[\]]+/g) ?? []) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  }

  string(path: string, allowed?: readonly string[]): string {
    const v = this.at(path);
    if (typeof v !== 'string' || v.length === 0) this.fail(path, 'must be a non-empty string', v);
    if (allowed && !allowed.includes(v)) this.fail(path, `must be one of ${allowed.join(', ')}`, v);
    return v;
  }

  number(path: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
    const v = this.at(path);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'must be a finite number', v);
    if (opts.integer && !Number.isInteger(v)) this.fail(path, 'must be an integer', v);
    if (opts.min !== undefined && v < opts.min) this.fail(path, `must be ≥ ${opts.min}`, v);
    if (opts.max !== undefined && v > opts.max) this.fail(path, `must be ≤ ${opts.max}`, v);
    return v;
  }

  boolean(path: string): boolean {
    const v = this.at(path);
    if (typeof v !== 'boolean') this.fail(path, 'must be true or false', v);
    return v;
  }

  array(path: string, opts: { length?: number; minLength?: number } = {}): unknown[] {
    const v = this.at(path);
    if (!Array.isArray(v)) this.fail(path, 'must be an array', v);
    if (opts.length !== undefined && v.length !== opts.length)
      this.fail(path, `must have ${opts.length} items`, v);
    if (opts.minLength !== undefined && v.length < opts.minLength)
      this.fail(path, `must have at least ${opts.minLength} items`, v);
    return v;
  }

  numbers(
    path: string,
    opts: { integer?: boolean; min?: number; max?: number; length?: number } = {},
  ): number[] {
    return this.array(path, { length: opts.length, minLength: 1 }).map((_, i) =>
      this.number(`${path}[${i}]`, opts),
    );
  }

  strings(path: string, opts: { length?: number; unique?: boolean } = {}): string[] {
    const out = this.array(path, { length: opts.length, minLength: 1 }).map((_, i) =>
      this.string(`${path}[${i}]`),
    );
    if (opts.unique) {
      const seen = new Set<string>();
      out.forEach((s, i) => {
        if (seen.has(s)) this.fail(`${path}[${i}]`, 'must be unique', s);
        seen.add(s);
      });
    }
    return out;
  }

  /** The fields every fixed-resolution RGB image space shares (NAS-Bench-201 and FBNet). */
  rgbSpaceHeader(): RgbSpaceHeader {
    const [h, w, c] = this.numbers('inputShape', { integer: true, min: 1, length: 3 });
    if (c !== 3) this.fail('inputShape[2]', 'must be 3 (RGB)', c);
    return {
      id: this.string('id'),
      name: this.string('name'),
      description: this.string('description'),
      inputShape: [h, w, c],
      numClasses: this.number('numClasses', { integer: true, min: 1 }),
    };
  }

  /** The definition's `id` must match the file name, so a copied file cannot shadow another space. */
  expectId(expected: string): void {
    this.string('id', [expected]);
  }
}
