import { TailorError, showValue } from '@tailor/common';

export interface Issue {
  field: string;
  message: string;
}

/** Field used for problems with the document as a whole. */
export const ROOT_FIELD = '(root)';

/**
 * `showValue`, except non-finite numbers: JSON renders NaN and Infinity as `null`, which would hide
 * exactly the value the user has to fix.
 */
export function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value === undefined) return 'nothing (missing)';
  return showValue(value);
}

/**
 * Gathers validation problems so one import reports several at once (a user fixing a 4 MB file
 * should not have to re-upload it per typo), but stops early: a file with a broken column would
 * otherwise produce 15,625 identical messages. Everything is thrown as one TailorError whose
 * `field` is the first problem's path and whose details list all of them.
 */
export class IssueCollector {
  private readonly issues: Issue[] = [];

  constructor(
    private readonly fileName: string | undefined,
    private readonly maxIssues = 5,
  ) {}

  get count(): number {
    return this.issues.length;
  }

  /** Records a problem; throws once `maxIssues` are known. */
  add(field: string, problem: string, value: unknown): void {
    this.push({ field, message: `${problem}, got ${show(value)}` });
  }

  /** Records a problem whose message already shows the offending value. */
  addMessage(field: string, message: string): void {
    this.push({ field, message });
  }

  /** Records a problem that makes further checks meaningless, and throws. */
  fail(field: string, problem: string, value: unknown): never {
    this.add(field, problem, value);
    throw this.toError();
  }

  /**
   * Records an error thrown by a search space's `parse`, keeping its own (more precise) sub-path.
   * Anything that is not a TailorError is a bug in the space, so it is rethrown untouched.
   */
  addThrown(fallbackField: string, error: unknown): void {
    if (!(error instanceof TailorError)) throw error;
    const field = error.field ?? fallbackField;
    const prefix = `${field}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    this.push({ field, message });
  }

  /** Throws if anything was recorded; call before a step that relies on the earlier ones. */
  check(): void {
    if (this.issues.length > 0) throw this.toError();
  }

  private push(issue: Issue): void {
    this.issues.push(issue);
    if (this.issues.length >= this.maxIssues) throw this.toError();
  }

  private toError(): TailorError {
    const [first, ...rest] = this.issues;
    const more = rest.length
      ? ` (and ${rest.length} more: ${rest.map((i) => `${i.field}: ${i.message}`).join('; ')})`
      : '';
    const where = this.fileName ? ` [in ${this.fileName}]` : '';
    return new TailorError('INVALID_ARGUMENT', `${first.message}${more}${where}`, first.field, {
      ...(this.fileName ? { file: this.fileName } : {}),
      issues: this.issues.slice(),
      // True when the collector stopped early, so there may be problems nobody has looked at yet.
      truncated: this.issues.length >= this.maxIssues,
    });
  }
}
