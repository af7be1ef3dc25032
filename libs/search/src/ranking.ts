import type { Constraint, Objective } from './types';

/** The part of an evaluated candidate that ranking needs. */
export interface Scored {
  readonly key: string;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly violation: number;
}

const known = (v: number | null | undefined): v is number => typeof v === 'number' && !Number.isNaN(v);

/**
 * 0 when every constraint holds; otherwise the sum of relative violations |v − limit| / |limit|
 * (absolute when the limit is 0, which has no scale), and Infinity when a needed metric is missing.
 */
export function violation(
  constraints: readonly Constraint[],
  metrics: Readonly<Record<string, number | null | undefined>>,
): number {
  let total = 0;
  for (const c of constraints) {
    const v = metrics[c.metric];
    if (!known(v)) return Infinity;
    if (c.max !== undefined && v > c.max) total += (v - c.max) / (Math.abs(c.max) || 1);
    if (c.min !== undefined && v < c.min) total += (c.min - v) / (Math.abs(c.min) || 1);
  }
  return total;
}

/** Objective value oriented so that larger is better; a missing metric is the worst possible. */
export function goalValue(metrics: Readonly<Record<string, number | null>>, objective: Objective): number {
  const v = metrics[objective.metric];
  if (!known(v)) return -Infinity;
  return objective.goal === 'max' ? v : -v;
}

/** Pareto dominance over the objectives (ignores constraints). */
export function dominates(a: Scored, b: Scored, objectives: readonly Objective[]): boolean {
  let strictly = false;
  for (const o of objectives) {
    const va = goalValue(a.metrics, o);
    const vb = goalValue(b.metrics, o);
    if (va < vb) return false;
    if (va > vb) strictly = true;
  }
  return strictly;
}

/**
 * Deb's constraint domination: a feasible candidate beats an infeasible one, the smaller violation
 * wins among infeasible ones, and Pareto dominance decides among feasible ones.
 */
export function constrainedDominates(a: Scored, b: Scored, objectives: readonly Objective[]): boolean {
  const fa = a.violation === 0;
  const fb = b.violation === 0;
  if (fa && !fb) return true;
  if (!fa && !fb) return a.violation < b.violation;
  if (!fa && fb) return false;
  return dominates(a, b, objectives);
}

/** −1 when a constraint-dominates b, 1 when b dominates a, 0 when neither does. */
export function compareConstrained(a: Scored, b: Scored, objectives: readonly Objective[]): -1 | 0 | 1 {
  if (constrainedDominates(a, b, objectives)) return -1;
  if (constrainedDominates(b, a, objectives)) return 1;
  return 0;
}

/**
 * Total order for "best first": smaller violation (feasible first), then the first objective by its
 * goal, ties broken by the next objectives, then by key so that equal scores still sort deterministically.
 */
export function rankCompare(a: Scored, b: Scored, objectives: readonly Objective[]): number {
  if (a.violation !== b.violation) return a.violation < b.violation ? -1 : 1;
  for (const o of objectives) {
    const va = goalValue(a.metrics, o);
    const vb = goalValue(b.metrics, o);
    if (va !== vb) return va > vb ? -1 : 1;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** A sorted copy, best first (see `rankCompare`). */
export function rankForObjective<T extends Scored>(
  items: readonly T[],
  objectives: readonly Objective[],
): T[] {
  return items.slice().sort((a, b) => rankCompare(a, b, objectives));
}

/** Feasible, mutually non-dominated candidates (one per key), sorted best first by `rankCompare`. */
export function paretoFront<T extends Scored>(items: readonly T[], objectives: readonly Objective[]): T[] {
  const seen = new Set<string>();
  const feasible = rankForObjective(
    items.filter((x) => x.violation === 0),
    objectives,
  ).filter((x) => (seen.has(x.key) ? false : (seen.add(x.key), true)));
  return feasible.filter((x) => !feasible.some((y) => y !== x && dominates(y, x, objectives)));
}

/**
 * Fast non-dominated sorting (Deb et al. 2002) under constraint domination: returns fronts of indices
 * into `items`, the first front being non-dominated.
 */
export function nonDominatedSort(items: readonly Scored[], objectives: readonly Objective[]): number[][] {
  const n = items.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = compareConstrained(items[i], items[j], objectives);
      if (c < 0) {
        dominatedBy[i].push(j);
        count[j]++;
      } else if (c > 0) {
        dominatedBy[j].push(i);
        count[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current = count.flatMap((c, i) => (c === 0 ? [i] : []));
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominatedBy[i]) if (--count[j] === 0) next.push(j);
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * Crowding distance of each item within one front: boundary items get Infinity so they are kept;
 * objectives with no finite spread contribute nothing (a missing metric carries no diversity signal).
 */
export function crowdingDistance(items: readonly Scored[], objectives: readonly Objective[]): number[] {
  const n = items.length;
  const distance = new Array<number>(n).fill(0);
  if (n <= 2) return distance.fill(Infinity);
  for (const o of objectives) {
    const values = items.map((x) => goalValue(x.metrics, o));
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
    const lo = values[order[0]];
    const hi = values[order[n - 1]];
    distance[order[0]] = Infinity;
    distance[order[n - 1]] = Infinity;
    const range = hi - lo;
    if (!Number.isFinite(range) || range === 0) continue;
    for (let k = 1; k < n - 1; k++) {
      distance[order[k]] += (values[order[k + 1]] - values[order[k - 1]]) / range;
    }
  }
  return distance;
}
