/**
 * Rank and error metrics of a latency predictor, in plain arithmetic so their values can be checked by
 * hand. Ties get average ranks (Spearman) and the tau-b correction (Kendall): the phone tables of HELP
 * hold whole milliseconds, where ties are common.
 */

/** 1-based ranks, ties sharing the average of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = rank;
    i = j + 1;
  }
  return ranks;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  // A constant series has no ranking; 0 says "no information" rather than NaN poisoning a mean.
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rho: Pearson correlation of the average ranks. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** Kendall's tau-b, O(n²): fine for the ≤ 1,000-arch query sets it is used on. */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? 0 : (concordant - discordant) / denom;
}

/** Mean absolute percentage error of `predicted` against `actual` (a fraction: 0.1 = 10 %). */
export function mape(predicted: readonly number[], actual: readonly number[]): number {
  checkPaired(predicted, actual);
  return predicted.reduce((s, p, i) => s + Math.abs(p - actual[i]) / Math.abs(actual[i]), 0) / actual.length;
}

/** Share of predictions within ±`tolerance` (relative) of the actual value. */
export function withinShare(
  predicted: readonly number[],
  actual: readonly number[],
  tolerance = 0.1,
): number {
  checkPaired(predicted, actual);
  const hits = predicted.filter((p, i) => Math.abs(p - actual[i]) <= tolerance * Math.abs(actual[i])).length;
  return hits / actual.length;
}

export interface PredictionScores {
  spearman: number;
  kendall: number;
  mape: number;
  within10: number;
}

export function scorePredictions(predicted: readonly number[], actual: readonly number[]): PredictionScores {
  return {
    spearman: spearman(predicted, actual),
    kendall: kendallTau(predicted, actual),
    mape: mape(predicted, actual),
    within10: withinShare(predicted, actual, 0.1),
  };
}

function checkPaired(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length)
    throw new RangeError(`paired series differ in length: ${x.length} vs ${y.length}`);
  if (x.length < 2) throw new RangeError(`need at least 2 pairs, got ${x.length}`);
}
