import { averageRanks, kendallTau, mape, pearson, scorePredictions, spearman, withinShare } from './metrics';

describe('predictor metrics (hand-computed values)', () => {
  it('gives ties the average of their ranks', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('spearman: perfect, reversed and a hand-worked case', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks x = 1..5, y = 2,1,4,3,5: Σd² = 4, rho = 1 - 6·4 / (5·24) = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    // with a tie: Pearson of ranks [1,2,3] and [1.5,1.5,3] = 0.8660…
    expect(spearman([1, 2, 3], [7, 7, 9])).toBeCloseTo(Math.sqrt(3) / 2, 12);
  });

  it('kendall tau-b: hand-worked cases, with and without ties', () => {
    // pairs of [1,2,3,4,5] vs [2,1,4,3,5]: 10 pairs, 2 discordant → (8-2)/10
    expect(kendallTau([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.6, 12);
    // x = [1,2,3], y = [7,7,9]: C = 2, D = 0, ties only in y = 1 → 2 / sqrt(3·2)
    expect(kendallTau([1, 2, 3], [7, 7, 9])).toBeCloseTo(2 / Math.sqrt(6), 12);
  });

  it('pearson of a constant series is 0, not NaN', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
  });

  it('mape and the share within ±10 %', () => {
    expect(mape([11, 18, 30], [10, 20, 30])).toBeCloseTo((0.1 + 0.1 + 0) / 3, 12);
    expect(withinShare([11, 17.9, 30], [10, 20, 30])).toBeCloseTo(2 / 3, 12);
    expect(scorePredictions([1, 2, 3], [1, 2, 3])).toEqual({ spearman: 1, kendall: 1, mape: 0, within10: 1 });
  });

  it('rejects unpaired or too short series', () => {
    expect(() => spearman([1, 2], [1])).toThrow('differ in length');
    expect(() => kendallTau([1], [1])).toThrow('at least 2');
  });
});
