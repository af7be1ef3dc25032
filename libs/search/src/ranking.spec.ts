import {
  compareConstrained,
  crowdingDistance,
  nonDominatedSort,
  paretoFront,
  rankForObjective,
  violation,
  type Scored,
} from './ranking';
import type { Objective } from './types';

const item = (key: string, acc: number | null, lat: number | null, v = 0): Scored => ({
  key,
  metrics: { acc, lat },
  violation: v,
});
const two: Objective[] = [
  { metric: 'acc', goal: 'max' },
  { metric: 'lat', goal: 'min' },
];

describe('violation', () => {
  it('is 0 when all constraints hold and sums relative violations otherwise', () => {
    const cs = [
      { metric: 'lat', max: 10 },
      { metric: 'acc', min: 50 },
    ];
    expect(violation(cs, { lat: 10, acc: 50 })).toBe(0);
    expect(violation(cs, { lat: 12, acc: 40 })).toBeCloseTo(0.2 + 0.2);
    expect(violation([{ metric: 'x', max: 0 }], { x: 3 })).toBe(3);
  });
  it('is Infinity when a needed metric is null or missing', () => {
    expect(violation([{ metric: 'lat', max: 1 }], { lat: null })).toBe(Infinity);
    expect(violation([{ metric: 'lat', max: 1 }], {})).toBe(Infinity);
    expect(violation([], {})).toBe(0);
  });
});

describe('constraint domination', () => {
  it('prefers feasible, then smaller violation, then Pareto dominance', () => {
    expect(compareConstrained(item('a', 1, 9), item('b', 99, 1, 0.5), two)).toBe(-1);
    expect(compareConstrained(item('a', 1, 9, 0.7), item('b', 1, 9, 0.5), two)).toBe(1);
    expect(compareConstrained(item('a', 80, 5), item('b', 70, 6), two)).toBe(-1);
    expect(compareConstrained(item('a', 80, 7), item('b', 70, 6), two)).toBe(0);
  });
});

describe('rankForObjective', () => {
  it('orders feasible first, then by the first objective, then the next, then key', () => {
    const ranked = rankForObjective(
      [item('d', 90, 1, 0.1), item('c', 70, 2), item('b', 80, 3), item('a', 80, 2), item('e', null, 1)],
      two,
    );
    expect(ranked.map((x) => x.key)).toEqual(['a', 'b', 'c', 'e', 'd']);
  });
});

describe('Pareto helpers', () => {
  const items = [item('a', 80, 5), item('b', 70, 3), item('c', 60, 4), item('d', 90, 9), item('x', 99, 1, 1)];
  it('paretoFront keeps feasible non-dominated ones', () => {
    expect(paretoFront(items, two).map((x) => x.key)).toEqual(['d', 'a', 'b']);
  });
  it('nonDominatedSort puts infeasible ones in later fronts', () => {
    const fronts = nonDominatedSort(items, two);
    expect(fronts[0].sort()).toEqual([0, 1, 3]);
    expect(fronts[1]).toEqual([2]);
    expect(fronts[2]).toEqual([4]);
  });
  it('crowdingDistance gives boundaries Infinity', () => {
    const d = crowdingDistance([item('a', 80, 5), item('b', 70, 3), item('d', 90, 9)], two);
    expect(d[0]).toBeCloseTo(2);
    expect(d[1]).toBe(Infinity);
    expect(d[2]).toBe(Infinity);
  });
});
