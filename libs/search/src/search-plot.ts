import type { EvaluationRecord } from './types';

export interface SearchPlotInput {
  readonly records: readonly EvaluationRecord[];
  /** Horizontal axis: a latency-like metric (smaller is better). */
  readonly x: { readonly metric: string; readonly label?: string };
  /** Vertical axis: an accuracy-like objective, maximized unless `goal` says otherwise. */
  readonly y: { readonly metric: string; readonly label?: string; readonly goal?: 'max' | 'min' };
  /** The constraint limit on x, drawn as a vertical dashed line. */
  readonly budget?: number | null;
  readonly title?: string;
  /** Key of the candidate to highlight; by default the best feasible one by y. */
  readonly bestKey?: string | null;
  readonly width?: number;
  readonly height?: number;
}

interface Point {
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly feasible: boolean;
}

const M = { top: 48, right: 180, bottom: 56, left: 72 };
const COLORS = {
  feasible: '#2563eb',
  infeasible: '#9ca3af',
  pareto: '#dc2626',
  best: '#f59e0b',
  budget: '#111827',
};

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number): string =>
  Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : `${+v.toFixed(4)}`;
const num = (v: number): string => v.toFixed(2);

/** About `count` round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

/** [lo, hi] padded by 5% (or ±1 around a single value) so that points do not sit on the frame. */
function domain(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi === lo) return [lo - (Math.abs(lo) * 0.1 || 1), hi + (Math.abs(hi) * 0.1 || 1)];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** Feasible points no other feasible point beats on both axes (x smaller, y better), sorted by x. */
function front(points: readonly Point[], better: (a: number, b: number) => boolean): Point[] {
  const sorted = points
    .filter((p) => p.feasible)
    .slice()
    .sort((a, b) => a.x - b.x || (better(a.y, b.y) ? -1 : better(b.y, a.y) ? 1 : 0));
  const out: Point[] = [];
  for (const p of sorted) if (out.length === 0 || better(p.y, out[out.length - 1].y)) out.push(p);
  return out;
}

/**
 * Renders the evaluated candidates of a search as a standalone SVG: feasible and infeasible points,
 * the budget line, the Pareto front and the best candidate. Pure string building, no dependencies.
 */
export function renderSearchPlot(input: SearchPlotInput): string {
  const width = input.width ?? 760;
  const height = input.height ?? 460;
  const goal = input.y.goal ?? 'max';
  const better = (a: number, b: number): boolean => (goal === 'max' ? a > b : a < b);
  const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  const points: Point[] = [];
  let missing = 0;
  for (const r of input.records) {
    const x = r.metrics[input.x.metric];
    const y = r.metrics[input.y.metric];
    if (finite(x) && finite(y)) points.push({ key: r.key, x, y, feasible: r.feasible });
    else missing++;
  }
  const budget = finite(input.budget) ? input.budget : null;
  const [x0, x1] = domain([...points.map((p) => p.x), ...(budget === null ? [] : [budget])]);
  const [y0, y1] = domain(points.map((p) => p.y));
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  const sx = (v: number): number => M.left + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number): number => M.top + ph - ((v - y0) / (y1 - y0)) * ph;

  const pareto = front(points, better);
  const best =
    (input.bestKey ? points.find((p) => p.key === input.bestKey) : undefined) ??
    points
      .filter((p) => p.feasible)
      .reduce<Point | undefined>((b, p) => (!b || better(p.y, b.y) ? p : b), undefined);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">${esc(input.title ?? 'Search results')}</text>`,
    `<g class="axes" stroke="#374151">`,
    `<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}"/>`,
  ];
  for (const t of niceTicks(x0, x1)) {
    const x = num(sx(t));
    out.push(
      `<line x1="${x}" y1="${M.top + ph}" x2="${x}" y2="${M.top + ph + 5}"/>`,
      `<text x="${x}" y="${M.top + ph + 18}" text-anchor="middle" stroke="none" fill="#374151">${fmt(t)}</text>`,
    );
  }
  for (const t of niceTicks(y0, y1)) {
    const y = num(sy(t));
    out.push(
      `<line x1="${M.left - 5}" y1="${y}" x2="${M.left}" y2="${y}"/>`,
      `<text x="${M.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" stroke="none" fill="#374151">${fmt(t)}</text>`,
    );
  }
  out.push(
    `</g>`,
    `<text x="${M.left + pw / 2}" y="${height - 14}" text-anchor="middle">${esc(input.x.label ?? input.x.metric)}</text>`,
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(input.y.label ?? input.y.metric)}</text>`,
  );
  if (points.length === 0) {
    out.push(
      `<text x="${M.left + pw / 2}" y="${M.top + ph / 2}" text-anchor="middle" fill="#6b7280">no evaluated candidates</text>`,
    );
  }
  if (budget !== null) {
    const x = num(sx(budget));
    out.push(
      `<line class="budget" x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="${COLORS.budget}" stroke-dasharray="6 4"/>`,
    );
  }
  // Infeasible first so feasible points are drawn on top.
  for (const p of [...points.filter((q) => !q.feasible), ...points.filter((q) => q.feasible)]) {
    const style = p.feasible
      ? `r="3" fill="${COLORS.feasible}" fill-opacity="0.7"`
      : `r="3" fill="none" stroke="${COLORS.infeasible}"`;
    out.push(
      `<circle class="point ${p.feasible ? 'feasible' : 'infeasible'}" cx="${num(sx(p.x))}" cy="${num(sy(p.y))}" ${style}><title>${esc(p.key)}</title></circle>`,
    );
  }
  if (pareto.length > 1) {
    const path = pareto.map((p) => `${num(sx(p.x))},${num(sy(p.y))}`).join(' ');
    out.push(
      `<polyline class="pareto" points="${path}" fill="none" stroke="${COLORS.pareto}" stroke-width="1.5"/>`,
    );
  }
  for (const p of pareto) {
    out.push(
      `<circle class="pareto-point" cx="${num(sx(p.x))}" cy="${num(sy(p.y))}" r="4.5" fill="none" stroke="${COLORS.pareto}" stroke-width="1.5"/>`,
    );
  }
  if (best) {
    out.push(
      `<circle class="best" cx="${num(sx(best.x))}" cy="${num(sy(best.y))}" r="7" fill="none" stroke="${COLORS.best}" stroke-width="2.5"><title>${esc(`best: ${best.key}`)}</title></circle>`,
    );
  }
  const lx = width - M.right + 16;
  const legend: Array<[string, string]> = [
    [
      `<circle cx="${lx}" cy="0" r="3" fill="${COLORS.feasible}"/>`,
      `feasible (${points.filter((p) => p.feasible).length})`,
    ],
    [
      `<circle cx="${lx}" cy="0" r="3" fill="none" stroke="${COLORS.infeasible}"/>`,
      `infeasible (${points.filter((p) => !p.feasible).length})`,
    ],
    [
      `<circle cx="${lx}" cy="0" r="4.5" fill="none" stroke="${COLORS.pareto}"/>`,
      `Pareto front (${pareto.length})`,
    ],
    [`<circle cx="${lx}" cy="0" r="7" fill="none" stroke="${COLORS.best}" stroke-width="2.5"/>`, 'best'],
  ];
  if (budget !== null)
    legend.push([
      `<line x1="${lx - 8}" y1="0" x2="${lx + 8}" y2="0" stroke="${COLORS.budget}" stroke-dasharray="6 4"/>`,
      `budget ${fmt(budget)}`,
    ]);
  if (missing > 0) legend.push(['', `${missing} not plotted (missing metric)`]);
  out.push(`<g class="legend">`);
  legend.forEach(([mark, label], i) => {
    const y = M.top + 8 + i * 20;
    out.push(
      `<g transform="translate(0 ${y})">${mark}<text x="${lx + 14}" y="0" dominant-baseline="middle">${esc(label)}</text></g>`,
    );
  });
  out.push(`</g>`, `</svg>`);
  return out.join('\n');
}
