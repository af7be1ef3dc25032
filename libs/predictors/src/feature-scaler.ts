/** Per-column standardization of arch features, fitted once on the meta-training corpus and stored with the model. */
export interface FeatureScaler {
  mean: number[];
  std: number[];
}

export function fitFeatureScaler(rows: readonly (readonly number[])[]): FeatureScaler {
  if (rows.length === 0) throw new RangeError('cannot fit a feature scaler on no archs');
  const dim = rows[0].length;
  const mean = new Array<number>(dim).fill(0);
  const sq = new Array<number>(dim).fill(0);
  for (const row of rows) for (let j = 0; j < dim; j++) mean[j] += row[j] / rows.length;
  for (const row of rows) for (let j = 0; j < dim; j++) sq[j] += (row[j] - mean[j]) ** 2 / rows.length;
  // A constant column (a choice no arch of the corpus uses) stays 0 instead of dividing by zero.
  return { mean, std: sq.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

export function scaleFeatures(scaler: FeatureScaler, row: readonly number[]): number[] {
  if (row.length !== scaler.mean.length)
    throw new RangeError(`arch features have ${row.length} values, the model expects ${scaler.mean.length}`);
  return row.map((v, j) => (v - scaler.mean[j]) / scaler.std[j]);
}
