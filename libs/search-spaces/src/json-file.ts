import { TailorError } from '@tailor/common';

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

const WS = /[ \t\n\r]/;

/**
 * Offset of the first JSON syntax error, for the V8 messages that do not give one
 * (`Unexpected token 'x', "…" is not valid JSON`). Assumes `text` is invalid JSON.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && WS.test(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    skip();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      skip();
      if (text[i] === close) return void i++;
      for (;;) {
        if (ch === '{') {
          skip();
          if (text[i] !== '"') fail();
          string();
          skip();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    const digits = (): void => {
      if (!/[0-9]/.test(text[i] ?? '')) fail();
      while (/[0-9]/.test(text[i] ?? '')) i++;
    };
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  try {
    value();
    skip();
    return i;
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, text.length);
    throw at;
  }
}

/** `JSON.parse` whose error names the file, the line:column and V8's reason. */
export function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const reported = /at position (\d+)/.exec(reason);
    const offset = reported ? Number(reported[1]) : jsonErrorOffset(text);
    const { line, column } = lineColumn(text, offset);
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${file}:${line}:${column}: invalid JSON (${reason})`,
      undefined,
      {
        file,
        line,
        column,
        position: offset,
      },
    );
  }
}
