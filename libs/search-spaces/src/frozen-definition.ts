import type { DefinitionReader } from './definition-reader';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** A frozen copy of the reader's whole JSON document, for `SearchSpace.definition`. */
export function frozenDefinition(reader: DefinitionReader): Readonly<Record<string, unknown>> {
  return deepFreeze(structuredClone(reader.at('') as Record<string, unknown>));
}
