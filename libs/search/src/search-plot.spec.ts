import { niceTicks, renderSearchPlot } from './search-plot';
import type { EvaluationRecord } from './types';

const rec = (seq: number, acc: number | null, lat: number | null, feasible: boolean): EvaluationRecord => ({
  seq,
  key: `a<${seq}>`,
  arch: seq,
  metrics: { 'accuracy:c100': acc, 'latency:pixel3': lat },
  violation: feasible ? 0 : 0.5,
  feasible,
});
const axes = { x: { metric: 'latency:pixel3', label: 'latency (ms)' }, y: { metric: 'accuracy:c100' } };

/** Crude well-formedness check: every opened tag is closed in order. */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]);
  }
  return stack.length === 0;
}

describe('renderSearchPlot', () => {
  it('draws every candidate, the budget line, the front and the best', () => {
    const records = [
      rec(1, 70, 3, true),
      rec(2, 72, 5, true),
      rec(3, 60, 2, true),
      rec(4, 75, 9, false),
      rec(5, null, 4, false),
    ];
    const svg = renderSearchPlot({ records, ...axes, budget: 6, title: 'NB201 & pixel3' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg.match(/class="point /g)).toHaveLength(4);
    expect(svg.match(/class="point feasible"/g)).toHaveLength(3);
    expect(svg.match(/class="pareto-point"/g)).toHaveLength(3);
    expect(svg).toContain('class="budget"');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('<title>best: a&lt;2&gt;</title>');
    expect(svg).toContain('NB201 &amp; pixel3');
    expect(svg).toContain('1 not plotted');
  });
  it('handles no points and a single point', () => {
    const empty = renderSearchPlot({ records: [], ...axes });
    expect(balanced(empty)).toBe(true);
    expect(empty).toContain('no evaluated candidates');
    const one = renderSearchPlot({ records: [rec(1, 70, 3, true)], ...axes, budget: null });
    expect(balanced(one)).toBe(true);
    expect(one.match(/class="point /g)).toHaveLength(1);
    expect(one).not.toContain('NaN');
  });
  it('makes round ticks', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.13, 0.61)).toEqual([0.2, 0.3, 0.4, 0.5, 0.6]);
  });
});
