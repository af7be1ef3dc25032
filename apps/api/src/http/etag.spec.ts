import { etagMatches } from './etag';

const TAG = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('etagMatches', () => {
  it.each<[string, string | undefined, boolean]>([
    ['no header', undefined, false],
    ['an empty header', '', false],
    ['the tag, quoted', `"${TAG}"`, true],
    ['the tag unquoted (not an entity tag)', TAG, false],
    ['the weak form', `W/"${TAG}"`, true],
    ['a list holding it', `"x", W/"y",  "${TAG}"`, true],
    ['a list without it', '"x", "y"', false],
    ['another tag', '"abc"', false],
    ['a wildcard', ' * ', true],
  ])('answers %s with %s', (_, header, expected) => {
    expect(etagMatches(header, TAG)).toBe(expected);
  });
});
