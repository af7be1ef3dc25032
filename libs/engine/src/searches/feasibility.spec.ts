import { SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';
import { checkFeasible } from './feasibility';
import { MetricEvaluator } from './metric-evaluator';
import type { PreparedSearch } from './search-problem.factory';

const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());

function prepared(spaceId: string, constraint: { metric: string; max: number }): PreparedSearch {
  const space = registry.get(spaceId);
  const problem = {
    space,
    objectives: [{ metric: 'params', goal: 'min' as const }],
    constraints: [constraint],
  };
  const latency = new Map([['phone', new Map<string, number>()]]);
  const evaluator = new MetricEvaluator(space, problem.objectives, problem.constraints, {
    latency,
    accuracy: new Map(),
  });
  return { space, problem, evaluator };
}

describe('checkFeasible on a space too large to enumerate', () => {
  it('refuses a budget below the smallest arch, naming the constraint', () => {
    expect(() => checkFeasible(prepared('fmnist-mbv3', { metric: 'flops', max: 0.5 }))).toThrow(
      /no architecture of fmnist-mbv3 meets flops ≤ 0.5 \(its smallest arch and 512 random ones all miss\)/,
    );
  });

  it('accepts a budget that the smallest arch meets', () => {
    expect(checkFeasible(prepared('fmnist-mbv3', { metric: 'flops', max: 3 }))).toBeUndefined();
  });

  it('proves nothing from a table that covers only some archs', () => {
    expect(checkFeasible(prepared('fmnist-mbv3', { metric: 'latency:phone', max: 0.001 }))).toBeUndefined();
  });
});
