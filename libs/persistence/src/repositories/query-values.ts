import type { QueryDeepPartialEntity } from 'typeorm';

/**
 * TypeORM's deep-partial type recurses into jsonb properties and rejects `Record<string, unknown>`;
 * jsonb values are stored whole, so the row is typed as a plain partial entity and converted here.
 */
export function rows<T>(values: Partial<T>[]): QueryDeepPartialEntity<T>[] {
  return values as QueryDeepPartialEntity<T>[];
}

export function row<T>(value: Partial<T>): QueryDeepPartialEntity<T> {
  return value as QueryDeepPartialEntity<T>;
}
