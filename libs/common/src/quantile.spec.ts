import { quantileSorted } from './quantile';

describe('quantileSorted', () => {
  it.each([
    [[0, 10], 0.25, 2.5],
    [[0, 10, 20], 1, 20],
    [[0, 10, 20], 0, 0],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[7], 0.9, 7],
  ])('%p at %p is %p (numpy default)', (sorted, q, expected) => {
    expect(quantileSorted(sorted, q)).toBe(expected);
  });

  it('takes typed arrays', () => {
    expect(quantileSorted(Float64Array.from([1, 3]), 0.5)).toBe(2);
  });
});
