/**
 * Cheap, deterministic surrogate models for surrogate-assisted search: ridge regression on a space's
 * `encode()` plus pairwise products of its non-zero entries. On one-hot encodings the pairs are exactly
 * "gene i has op a AND gene j has op b" features, which capture the interactions that make NAS landscapes
 * rugged (e.g. a cell path only matters when every edge on it is not `none`).
 */

/** A sparse feature row: parallel arrays of feature ids and values. */
export interface SparseRow {
  readonly idx: readonly number[];
  readonly val: readonly number[];
}

/**
 * Linear features `i` plus pairwise products `(i, j)` for non-zero entries with `j − i < window`.
 * The window bounds the row size on long encodings (FBNet: 132 dims): nearby dims (the same or adjacent
 * layers) interact most, and an unbounded pair set would make every fit quadratic in the encoding length.
 */
export function sparseFeatures(x: readonly number[], window = 64): SparseRow {
  const nz: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) nz.push(i);
  const idx: number[] = [];
  const val: number[] = [];
  for (const i of nz) {
    idx.push(i);
    val.push(x[i]);
  }
  const L = x.length;
  for (let a = 0; a < nz.length; a++) {
    for (let b = a + 1; b < nz.length && nz[b] - nz[a] < window; b++) {
      idx.push(L + nz[a] * L + nz[b]);
      val.push(x[nz[a]] * x[nz[b]]);
    }
  }
  return { idx, val };
}

/** A fitted ridge model: `predict` is the intercept plus the weights of the row's known features. */
export class RidgeModel {
  private constructor(
    private readonly weights: ReadonlyMap<number, number> | Float64Array,
    private readonly intercept: number,
    /** Root-mean-square training residual: the model's (optimistic) noise scale. */
    readonly rmse: number,
  ) {}

  /**
   * Fits `y ≈ intercept + row·w` with penalty `lambda·|w|²` by Jacobi-preconditioned conjugate gradients
   * on the normal equations. CG touches only the non-zeros, so the cost is O(iterations × Σ row sizes)
   * whatever the number of distinct features; a fixed iteration cap keeps every fit bounded and the
   * arithmetic order fixed, hence bit-for-bit reproducible (resumed searches must replay exactly).
   * `featureIds` (an upper bound on the ids) lets the weights live in a flat array for fast prediction.
   */
  static fit(
    rows: readonly SparseRow[],
    y: readonly number[],
    lambda = 1,
    featureIds = 0,
    maxIterations = 100,
  ): RidgeModel {
    const n = rows.length;
    if (n === 0) return new RidgeModel(new Map(), 0, 0);
    const mean = y.reduce((s, v) => s + v, 0) / n;
    // Flattened CSR layout; column 0 is a bias (value 1 in every row, nearly unpenalized) because the
    // features are not centred: without it, an encoding whose entries do not sum to a constant could not
    // represent a plain offset. Other columns follow the ids' first appearance, so the layout depends only
    // on the data.
    const column = new Map<number, number>();
    const start = new Int32Array(n + 1);
    rows.forEach((r, i) => (start[i + 1] = start[i] + r.idx.length + 1));
    const col = new Int32Array(start[n]);
    const val = new Float64Array(start[n]);
    rows.forEach((r, i) => {
      val[start[i]] = 1;
      r.idx.forEach((id, k) => {
        let c = column.get(id);
        if (c === undefined) column.set(id, (c = column.size + 1));
        col[start[i] + k + 1] = c;
        val[start[i] + k + 1] = r.val[k];
      });
    });
    const d = column.size + 1;
    const penalty = new Float64Array(d).fill(lambda);
    penalty[0] = 1e-6 * lambda;
    const diag = Float64Array.from(penalty);
    const b = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let k = start[i]; k < start[i + 1]; k++) {
        diag[col[k]] += val[k] * val[k];
        b[col[k]] += val[k] * (y[i] - mean);
      }
    }
    // A·v = Xᵀ(X·v) + λ·v, computed row by row.
    const multiply = (v: Float64Array, out: Float64Array) => {
      for (let c = 0; c < d; c++) out[c] = penalty[c] * v[c];
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = start[i]; k < start[i + 1]; k++) s += val[k] * v[col[k]];
        for (let k = start[i]; k < start[i + 1]; k++) out[col[k]] += val[k] * s;
      }
    };
    const w = new Float64Array(d);
    const res = Float64Array.from(b);
    const z = res.map((v, c) => v / diag[c]);
    const p = Float64Array.from(z);
    const ap = new Float64Array(d);
    let rz = dot(res, z);
    const tolerance = 1e-12 * Math.max(1e-300, dot(b, b));
    for (let it = 0; it < maxIterations && dot(res, res) > tolerance; it++) {
      multiply(p, ap);
      const alpha = rz / dot(p, ap);
      for (let c = 0; c < d; c++) {
        w[c] += alpha * p[c];
        res[c] -= alpha * ap[c];
        z[c] = res[c] / diag[c];
      }
      const next = dot(res, z);
      const beta = next / rz;
      rz = next;
      for (let c = 0; c < d; c++) p[c] = z[c] + beta * p[c];
    }
    let weights: Map<number, number> | Float64Array;
    if (featureIds > 0 && featureIds <= 1 << 22) {
      weights = new Float64Array(featureIds);
      for (const [id, c] of column) weights[id] = w[c];
    } else {
      weights = new Map();
      for (const [id, c] of column) weights.set(id, w[c]);
    }
    const model = new RidgeModel(weights, mean + w[0], 0);
    let sq = 0;
    rows.forEach((r, i) => (sq += (model.predict(r) - y[i]) ** 2));
    return new RidgeModel(weights, mean + w[0], Math.sqrt(sq / n));
  }

  /** Features never seen in training have no weight: they contribute nothing. */
  predict(row: SparseRow): number {
    let s = this.intercept;
    const w = this.weights;
    if (w instanceof Float64Array) {
      for (let k = 0; k < row.idx.length; k++) s += (w[row.idx[k]] ?? 0) * row.val[k];
    } else {
      for (let k = 0; k < row.idx.length; k++) s += (w.get(row.idx[k]) ?? 0) * row.val[k];
    }
    return s;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7: ample for ranking). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function normalPdf(z: number): number {
  return Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/** Expected improvement of a Gaussian N(mu, sigma²) over `best` (maximization). */
export function expectedImprovement(mu: number, sigma: number, best: number): number {
  if (sigma <= 0) return Math.max(0, mu - best);
  const z = (mu - best) / sigma;
  return (mu - best) * normalCdf(z) + sigma * normalPdf(z);
}
