import { TailorError } from '@tailor/common';

/**
 * Runs `fn`, expects an INVALID_ARGUMENT TailorError at `field` (a RegExp when a search space may add a
 * sub-path) whose message shows `shown`.
 */
export function expectInvalid(fn: () => unknown, field: string | RegExp, shown: string): TailorError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TailorError);
  const err = caught as TailorError;
  expect(err.code).toBe('INVALID_ARGUMENT');
  if (typeof field === 'string') expect(err.field).toBe(field);
  else expect(err.field).toMatch(field);
  expect(err.message).toContain(shown);
  return err;
}
