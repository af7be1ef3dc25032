/**
 * Typed errors thrown by the libraries. They carry a code and, when a caller's input is at fault,
 * the field that was wrong; the API maps codes to HTTP statuses in one exception filter.
 */
export type TailorErrorCode =
  | 'INVALID_ARGUMENT' // bad input: 400
  | 'UNPROCESSABLE' // well-formed but impossible (e.g. no arch meets a constraint): 422
  | 'NOT_FOUND' // 404
  | 'CONFLICT' // 409
  | 'UNAUTHENTICATED' // 401
  | 'FORBIDDEN' // 403
  | 'PAYLOAD_TOO_LARGE' // 413
  | 'UNAVAILABLE' // a dependency is down: 503
  | 'INTERNAL';

export class TailorError extends Error {
  constructor(
    readonly code: TailorErrorCode,
    message: string,
    /** Dotted path of the offending input field, e.g. `constraints[0].device`. */
    readonly field?: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'TailorError';
  }
}

export const invalid = (field: string, message: string, details?: Record<string, unknown>): TailorError =>
  new TailorError('INVALID_ARGUMENT', message, field, details);

export const notFound = (field: string, message: string): TailorError =>
  new TailorError('NOT_FOUND', message, field);

/** Short, safe rendering of a user value for an error message. */
export function showValue(value: unknown, max = 60): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
