import { TailorError } from '@tailor/common';

interface PgErrorFields {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

/** Postgres SQLSTATEs we translate; anything else is rethrown untouched for the API's 500 path. */
const CODES: Record<string, TailorError['code']> = {
  '23505': 'CONFLICT', // unique_violation
  '23503': 'CONFLICT', // foreign_key_violation
  '23514': 'INVALID_ARGUMENT', // check_violation
  '23502': 'INVALID_ARGUMENT', // not_null_violation
  '22P02': 'INVALID_ARGUMENT', // invalid_text_representation (e.g. a malformed uuid)
  '21000': 'INVALID_ARGUMENT', // cardinality_violation: one upsert naming the same key twice
  '57P01': 'UNAVAILABLE', // admin_shutdown
  '08006': 'UNAVAILABLE', // connection_failure
};

/** Maps a driver error (TypeORM wraps it in QueryFailedError, keeping the pg fields) to a TailorError. */
export function toTailorError(error: unknown, what: string): unknown {
  if (error instanceof TailorError) return error;
  const pg = ((error as { driverError?: PgErrorFields })?.driverError ?? error) as PgErrorFields;
  const code = pg?.code ? CODES[pg.code] : undefined;
  if (code) {
    return new TailorError(
      code,
      `${what}: ${pg.detail ?? pg.message ?? 'rejected by the database'}`,
      undefined,
      {
        constraint: pg.constraint,
        sqlState: pg.code,
      },
    );
  }
  const message = (error as Error)?.message ?? '';
  if (
    /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect/i.test(message)
  ) {
    return new TailorError('UNAVAILABLE', `${what}: the database is unreachable (${message})`);
  }
  return error;
}

/** Runs a repository operation, translating database errors. */
export async function mapDbErrors<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toTailorError(error, what);
  }
}
