import { locateJsonError } from './json-error-locator';

describe('locateJsonError', () => {
  it('accepts valid JSON', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, "x\\u00e9\\n", true, null, {}]} ', '"s"', '0']) {
      expect(locateJsonError(text)).toBeUndefined();
    }
  });

  it.each([
    ['[1, 2,]', 6],
    ['{"a": tru}', 6],
    ['{"a" 1}', 5],
    ['{"a": 1,}', 8],
    ['{a: 1}', 1],
    ['[1 2]', 3],
    ['{"a": 1', 7],
    ['"abc', 4],
    ['"a\\x"', 2],
    ['"a\nb"', 2],
    ['[01]', 2],
    ['{} x', 3],
    ['', 0],
    ['[NaN]', 1],
  ])('%j fails at %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(locateJsonError(text)).toBe(offset);
  });

  it('handles deep nesting without recursion', () => {
    expect(locateJsonError('['.repeat(100000) + ']'.repeat(99999))).toBe(199999);
  });
});
