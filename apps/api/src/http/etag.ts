/**
 * Whether an `If-None-Match` header names the entity tag `tag` (unquoted). Weak comparison, as RFC
 * 9110 asks of If-None-Match: `W/"x"` matches `"x"`; `*` matches any current file.
 */
export function etagMatches(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === `"${tag}"`);
}
