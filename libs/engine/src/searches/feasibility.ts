import { TailorError } from '@tailor/common';
import { violation } from '@tailor/search';
import type { PreparedSearch } from './search-problem.factory';

/**
 * For an enumerable space, proves at submit time that some arch meets every constraint, so a user
 * learns at once that a budget is impossible instead of after a wasted search. Returns how many archs
 * are feasible (undefined when the space is too large to enumerate).
 */
export function checkFeasible({ space, problem, evaluator }: PreparedSearch): number | undefined {
  // Farm-measured latencies are unknown until measured: enumeration cannot prove anything.
  if (!space.enumerable || problem.constraints.length === 0 || evaluator.measuresOnFarm) return undefined;
  let feasible = 0;
  const closest: Record<string, number> = {};
  for (const arch of space.enumerate()) {
    const metrics = evaluator.evaluateOne(arch);
    if (violation(problem.constraints, metrics) === 0) feasible++;
    for (const c of problem.constraints) {
      const v = metrics[c.metric];
      if (v === null || v === undefined) continue;
      const gap = Math.max(c.max !== undefined ? v - c.max : 0, c.min !== undefined ? c.min - v : 0);
      if (closest[c.metric] === undefined || gap < closest[c.metric]) closest[c.metric] = gap;
    }
  }
  if (feasible === 0) {
    const limits = problem.constraints
      .map(
        (c) =>
          `${c.metric}${c.max !== undefined ? ` ≤ ${c.max}` : ''}${c.min !== undefined ? ` ≥ ${c.min}` : ''}`,
      )
      .join(' and ');
    throw new TailorError(
      'UNPROCESSABLE',
      `no architecture of ${space.id} meets ${limits} (checked all ${space.cardinality()} by enumeration)`,
      'constraints',
      { closestGap: closest },
    );
  }
  return feasible;
}
