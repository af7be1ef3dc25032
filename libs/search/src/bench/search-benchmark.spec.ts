import { GridSpace } from '../testing/toy-spaces.helper-spec';
import {
  benchmarkTasks,
  formatBenchmarkTable,
  nasbench201Tables,
  percentile,
  runSearchBenchmark,
  summarizeBenchmark,
} from './search-benchmark';

/** A 3-gene, 4-choice toy "benchmark": latency = sum of genes, accuracy rewards gene 0 most. */
function toyTables() {
  const space = new GridSpace(3, 4);
  const archs = [...space.enumerate()].map((a) => space.canonical(a));
  const genes = archs.map((s) => s.split('-').map(Number));
  return {
    space,
    latency: { archs, devices: { dev: genes.map((g) => g[0] + g[1] + g[2]) } },
    accuracy: { archs, accuracy: { cifar100: genes.map((g) => 3 * g[0] + g[1] + 0.5 * g[2]) } },
  };
}

describe('search benchmark', () => {
  it('computes nearest-rank percentiles and oracles by enumeration', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 100)).toBe(5);
    const { latency, accuracy } = toyTables();
    const [task] = benchmarkTasks(nasbench201Tables(latency, accuracy), ['dev'], [50]);
    expect(task).toEqual({ device: 'dev', percentile: 50, limit: 4, oracle: 3 * 3 + 1 });
  });

  it('rejects tables whose archs differ', () => {
    const { latency, accuracy } = toyTables();
    const shuffled = { ...accuracy, archs: [...accuracy.archs].reverse() };
    expect(() => nasbench201Tables(latency, shuffled)).toThrow(/different archs/);
  });

  it('runs every algorithm and summarizes oracle hits, gaps and speed', async () => {
    const { space, latency, accuracy } = toyTables();
    const runs = await runSearchBenchmark(space, nasbench201Tables(latency, accuracy), {
      algorithms: ['evolution', 'random'],
      budgets: [64],
      seeds: [1, 2],
      percentiles: [25, 75],
    });
    expect(runs).toHaveLength(2 * 2 * 2);
    // 64 evaluations exhaust this 64-arch space: every run must find the oracle.
    expect(runs.every((r) => r.found && r.gap === 0 && r.spent === 64)).toBe(true);
    const rows = summarizeBenchmark(runs);
    expect(rows.map((r) => [r.algorithm, r.evaluations, r.runs, r.oracleRate])).toEqual([
      ['evolution', 64, 4, 1],
      ['random', 64, 4, 1],
    ]);
    const table = formatBenchmarkTable(rows);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toContain('evolution (4 runs)');
  });
});
