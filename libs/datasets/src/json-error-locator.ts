/**
 * Finds the offset of the first JSON syntax error in `text`, or undefined when it is valid JSON.
 * Only needed because V8's JSON.parse omits the position for some errors (e.g. `[1, 2,]` reports just
 * "Unexpected token"), and a user fixing a 4 MB file needs a line and column. Iterative, so deeply
 * nested input cannot overflow the stack. Run only after JSON.parse has failed.
 */
export function locateJsonError(text: string): number | undefined {
  const n = text.length;
  const containers: ('{' | '[')[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const LITERALS = ['true', 'false', 'null'];

  /** Advances past a string starting at `i`; returns false with `i` at the offending character. */
  const scanString = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return ++i > 0;
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };

  let expect: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skipSpace();
    if (expect === 'key') {
      if (text[i] !== '"' || !scanString()) return i;
      skipSpace();
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
    } else if (expect === 'value') {
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        skipSpace();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          expect = 'after';
        } else {
          containers.push(c);
          expect = c === '{' ? 'key' : 'value';
        }
      } else if (c === '"') {
        if (!scanString()) return i;
        expect = 'after';
      } else {
        NUMBER.lastIndex = i;
        const literal = LITERALS.find((l) => text.startsWith(l, i));
        if (literal) i += literal.length;
        else if (NUMBER.test(text)) i = NUMBER.lastIndex;
        else return i;
        expect = 'after';
      }
    } else {
      const top = containers[containers.length - 1];
      if (top === undefined) return i < n ? i : undefined;
      const c = text[i];
      if (c === ',') {
        i++;
        expect = top === '{' ? 'key' : 'value';
      } else if (c === (top === '{' ? '}' : ']')) {
        i++;
        containers.pop();
      } else return i;
    }
  }
}
