import { TailorError } from '@tailor/common';
import { jsonErrorOffset, parseJsonText } from './json-file';

describe('parseJsonText', () => {
  it('parses valid JSON', () => {
    expect(parseJsonText('a.json', '{"a": [1, 2.5e3, true, null, "x\\"y"]}')).toEqual({
      a: [1, 2500, true, null, 'x"y'],
    });
  });

  it('names the file, line and column when V8 gives a position', () => {
    expect(() => parseJsonText('dir/a.json', '{\n  "a": 1,\n}')).toThrow(
      /^dir\/a\.json:3:1: invalid JSON \(Expected double-quoted property name/,
    );
  });

  it('finds the position itself when V8 only quotes the text', () => {
    let err: unknown;
    try {
      parseJsonText('b.json', '{\n  "a": x\n}');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TailorError);
    expect((err as TailorError).message).toMatch(/^b\.json:2:8: invalid JSON \(Unexpected token 'x'/);
    expect((err as TailorError).details).toMatchObject({ file: 'b.json', line: 2, column: 8, position: 9 });
  });

  it('agrees with V8 where V8 reports a position', () => {
    for (const text of [
      '{"a": 1,}',
      '{"a" 1}',
      '{"a": 1',
      '[1 2]',
      '{"a":1}}',
      '{"a": "b\n"}',
      '[1, tru]',
      '{"a": -}',
      '[01]',
      '[1.]',
      '[1e+]',
      '{"a": "b',
    ]) {
      let reported: number | undefined;
      try {
        JSON.parse(text);
      } catch (e) {
        const m = /at position (\d+)/.exec((e as Error).message);
        reported = m ? Number(m[1]) : undefined;
      }
      if (reported !== undefined) expect([text, jsonErrorOffset(text)]).toEqual([text, reported]);
      else expect(jsonErrorOffset(text)).toBeLessThanOrEqual(text.length);
    }
  });
});
