import { TailorError } from '@tailor/common';
import { mapDbErrors, toTailorError } from './db-errors';

describe('toTailorError', () => {
  it.each([
    ['23505', 'CONFLICT'],
    ['23503', 'CONFLICT'],
    ['23514', 'INVALID_ARGUMENT'],
    ['23502', 'INVALID_ARGUMENT'],
    ['22P02', 'INVALID_ARGUMENT'],
    ['21000', 'INVALID_ARGUMENT'],
    ['57P01', 'UNAVAILABLE'],
  ])('maps SQLSTATE %s to %s', (sqlState, code) => {
    const driverError = { code: sqlState, constraint: 'ck_x', detail: 'Key (id)=(x) is bad.' };
    const mapped = toTailorError({ message: 'query failed', driverError }, 'thing');
    expect(mapped).toBeInstanceOf(TailorError);
    expect(mapped).toMatchObject({ code, details: { constraint: 'ck_x', sqlState } });
    expect((mapped as Error).message).toBe('thing: Key (id)=(x) is bad.');
  });

  it('maps a lost connection to UNAVAILABLE', () => {
    expect(toTailorError(new Error('connect ECONNREFUSED 127.0.0.1:5432'), 'ping')).toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('leaves TailorErrors and unknown errors alone', () => {
    const own = new TailorError('NOT_FOUND', 'gone');
    const other = new Error('syntax error at or near "SELEC"');
    expect(toTailorError(own, 'x')).toBe(own);
    expect(toTailorError(other, 'x')).toBe(other);
  });

  it('wraps an operation', async () => {
    await expect(mapDbErrors('k', async () => 1)).resolves.toBe(1);
    await expect(
      mapDbErrors('k', async () => Promise.reject(Object.assign(new Error('dup'), { code: '23505' }))),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
