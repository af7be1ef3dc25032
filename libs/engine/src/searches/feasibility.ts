import { Rng, TailorError } from '@tailor/common';
import { archFromGenes, smallestGenes } from '@tailor/nn';
import { type Constraint, violation } from '@tailor/search';
import type { ElasticSpace, SearchSpace } from '@tailor/search-spaces';
import type { PreparedSearch } from './search-problem.factory';

/** Random archs probed in a space too large to enumerate, besides its smallest arch. */
const PROBES = 512;

/**
 * For an enumerable space, proves at submit time that some arch meets every constraint, so a user
 * learns at once that a budget is impossible instead of after a wasted search. Returns how many archs
 * are feasible (undefined when the space is too large to enumerate).
 */
export function checkFeasible(prepared: PreparedSearch): number | undefined {
  const { space, problem, evaluator } = prepared;
  // Farm-measured latencies are unknown until measured: probing cannot prove anything.
  if (problem.constraints.length === 0 || evaluator.measuresOnFarm) return undefined;
  if (!space.enumerable) return void probeFeasible(prepared);
  let feasible = 0;
  const closest: Record<string, number> = {};
  for (const arch of space.enumerate()) {
    const metrics = evaluator.evaluateOne(arch);
    if (violation(problem.constraints, metrics) === 0) feasible++;
    closer(problem.constraints, metrics, closest);
  }
  if (feasible === 0)
    throw infeasible(
      space,
      problem.constraints,
      `checked all ${space.cardinality()} by enumeration`,
      closest,
    );
  return feasible;
}

/**
 * A space too large to enumerate (the elastic ones) is probed with its smallest arch and random samples.
 * When every probe's constrained metrics are known (FLOPs, params, predicted accuracy — not a table that
 * covers only some archs) and none meets them, the budget is refused at submit: OFA's finder would
 * resample forever. A budget that only rare archs meet can get past this; the "ofa" algorithm then stops
 * with nothing feasible rather than looping.
 */
function probeFeasible({ space, problem, evaluator }: PreparedSearch): void {
  const rng = Rng.fromSeed(0);
  const probes = Array.from({ length: PROBES }, () => space.sample(rng));
  if ('spec' in space)
    probes.unshift(
      archFromGenes(space as ElasticSpace<unknown>, smallestGenes((space as ElasticSpace<unknown>).spec)),
    );
  const closest: Record<string, number> = {};
  for (const arch of probes) {
    const metrics = evaluator.evaluateOne(arch);
    if (problem.constraints.some((c) => metrics[c.metric] === null || metrics[c.metric] === undefined))
      return;
    if (violation(problem.constraints, metrics) === 0) return;
    closer(problem.constraints, metrics, closest);
  }
  throw infeasible(
    space,
    problem.constraints,
    `its smallest arch and ${PROBES} random ones all miss`,
    closest,
  );
}

function closer(
  constraints: readonly Constraint[],
  metrics: Record<string, number | null>,
  closest: Record<string, number>,
): void {
  for (const c of constraints) {
    const v = metrics[c.metric];
    if (v === null || v === undefined) continue;
    const gap = Math.max(c.max !== undefined ? v - c.max : 0, c.min !== undefined ? c.min - v : 0);
    if (closest[c.metric] === undefined || gap < closest[c.metric]) closest[c.metric] = gap;
  }
}

function infeasible(
  space: SearchSpace,
  constraints: readonly Constraint[],
  how: string,
  closest: Record<string, number>,
): TailorError {
  const limits = constraints
    .map(
      (c) =>
        `${c.metric}${c.max !== undefined ? ` ≤ ${c.max}` : ''}${c.min !== undefined ? ` ≥ ${c.min}` : ''}`,
    )
    .join(' and ');
  return new TailorError(
    'UNPROCESSABLE',
    `no architecture of ${space.id} meets ${limits} (${how})`,
    'constraints',
    {
      closestGap: closest,
    },
  );
}
