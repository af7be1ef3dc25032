import { TailorError } from '@tailor/common';
import type { SearchSpace } from '@tailor/search-spaces';
import { SearchSession } from '../search-session';
import type { AlgorithmName, SearchProblem } from '../types';

/** NAS-Bench-201 latency (HELP) and accuracy tables, joined by index (both use the official order). */
export interface Nasbench201Tables {
  readonly archs: readonly string[];
  readonly latency: Readonly<Record<string, readonly number[]>>;
  readonly accuracy: readonly number[];
  readonly dataset: string;
}

/**
 * Joins the parsed HELP latency file and the accuracy file. The caller reads the files: this library stays
 * free of I/O.
 */
export function nasbench201Tables(
  latencyJson: unknown,
  accuracyJson: unknown,
  dataset = 'cifar100',
): Nasbench201Tables {
  const lat = (latencyJson ?? {}) as Record<string, unknown>;
  const acc = (accuracyJson ?? {}) as Record<string, unknown>;
  const archs = lat.archs as string[];
  const accArchs = acc.archs as string[];
  const accuracy = (acc.accuracy as Record<string, number[]> | undefined)?.[dataset];
  if (!Array.isArray(archs) || !Array.isArray(accArchs) || !Array.isArray(accuracy) || !lat.devices) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `unexpected layout of the latency or accuracy file (${dataset})`,
    );
  }
  // The two files must index the same archs in the same order; a silent mismatch would corrupt every result.
  if (archs.length !== accArchs.length || archs.some((a, i) => a !== accArchs[i])) {
    throw new TailorError('INVALID_ARGUMENT', 'the latency and accuracy files list different archs');
  }
  return { archs, latency: lat.devices as Record<string, number[]>, accuracy, dataset };
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface BenchmarkTask {
  readonly device: string;
  readonly percentile: number;
  readonly limit: number;
  /** Best feasible accuracy, by enumeration of the tables. */
  readonly oracle: number;
}

export interface BenchmarkRun extends BenchmarkTask {
  readonly algorithm: AlgorithmName;
  readonly evaluations: number;
  readonly seed: number;
  readonly best: number | null;
  readonly found: boolean;
  /** Oracle minus the best feasible accuracy found, in points (the whole oracle when nothing feasible was found). */
  readonly gap: number;
  readonly spent: number;
  readonly seconds: number;
}

export interface BenchmarkOptions {
  readonly algorithms: readonly AlgorithmName[];
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  readonly percentiles: readonly number[];
  readonly devices?: readonly string[];
  /** Overrides of the algorithms' defaults (the benchmark normally measures the defaults). */
  readonly algorithmOptions?: Partial<Record<AlgorithmName, Record<string, number>>>;
  readonly onRun?: (run: BenchmarkRun) => void;
}

export function benchmarkTasks(
  tables: Nasbench201Tables,
  devices: readonly string[],
  percentiles: readonly number[],
): BenchmarkTask[] {
  return devices.flatMap((device) => {
    const lat = tables.latency[device];
    if (!lat) throw new TailorError('INVALID_ARGUMENT', `no latency for device ${device}`, 'devices');
    return percentiles.map((p) => {
      const limit = percentile(lat, p);
      let oracle = -Infinity;
      lat.forEach((l, i) => {
        if (l <= limit && tables.accuracy[i] > oracle) oracle = tables.accuracy[i];
      });
      return { device, percentile: p, limit, oracle };
    });
  });
}

/** Runs every algorithm × budget × seed on every device × latency limit, through `SearchSession`. */
export async function runSearchBenchmark<A>(
  space: SearchSpace<A>,
  tables: Nasbench201Tables,
  options: BenchmarkOptions,
): Promise<BenchmarkRun[]> {
  const index = new Map<string, number>();
  tables.archs.forEach((s, i) => index.set(space.canonical(space.parse(s)), i));
  if (index.size !== tables.archs.length) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `the tables have ${tables.archs.length} archs, ${index.size} distinct`,
    );
  }
  const accMetric = `accuracy:${tables.dataset}`;
  const runs: BenchmarkRun[] = [];
  for (const task of benchmarkTasks(
    tables,
    options.devices ?? Object.keys(tables.latency),
    options.percentiles,
  )) {
    const latMetric = `latency:${task.device}`;
    const lat = tables.latency[task.device];
    const problem: SearchProblem<A> = {
      space,
      objectives: [{ metric: accMetric, goal: 'max' }],
      constraints: [{ metric: latMetric, max: task.limit }],
    };
    const evaluate = async (archs: A[]) =>
      archs.map((a) => {
        const i = index.get(space.canonical(a));
        return i === undefined
          ? { [accMetric]: null, [latMetric]: null }
          : { [accMetric]: tables.accuracy[i], [latMetric]: lat[i] };
      });
    for (const algorithm of options.algorithms) {
      for (const evaluations of options.budgets) {
        for (const seed of options.seeds) {
          const started = process.hrtime.bigint();
          const session = SearchSession.create(problem, {
            algorithm,
            options: options.algorithmOptions?.[algorithm],
            seed,
            budget: { evaluations },
          });
          while (!session.done) await session.step(evaluate);
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const bestRecord = session.best();
          const best = bestRecord?.feasible ? (bestRecord.metrics[accMetric] as number) : null;
          const run: BenchmarkRun = {
            ...task,
            algorithm,
            evaluations,
            seed,
            best,
            found: best !== null && best >= task.oracle,
            gap: best === null ? task.oracle : task.oracle - best,
            spent: session.records().length,
            seconds,
          };
          runs.push(run);
          options.onRun?.(run);
        }
      }
    }
  }
  return runs;
}

export interface BenchmarkRow {
  readonly algorithm: AlgorithmName;
  readonly evaluations: number;
  readonly runs: number;
  readonly oracleRate: number;
  readonly meanGap: number;
  readonly maxGap: number;
  readonly evaluationsPerSecond: number;
}

export function summarizeBenchmark(runs: readonly BenchmarkRun[]): BenchmarkRow[] {
  const groups = new Map<string, BenchmarkRun[]>();
  for (const r of runs) {
    const k = `${r.algorithm}\u0000${r.evaluations}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    algorithm: g[0].algorithm,
    evaluations: g[0].evaluations,
    runs: g.length,
    oracleRate: g.filter((r) => r.found).length / g.length,
    meanGap: g.reduce((s, r) => s + r.gap, 0) / g.length,
    maxGap: Math.max(...g.map((r) => r.gap)),
    evaluationsPerSecond: g.reduce((s, r) => s + r.spent, 0) / g.reduce((s, r) => s + r.seconds, 0),
  }));
}

/** Plain-text table: one line per budget, the algorithms side by side. */
export function formatBenchmarkTable(rows: readonly BenchmarkRow[]): string {
  const algorithms = [...new Set(rows.map((r) => r.algorithm))];
  const budgets = [...new Set(rows.map((r) => r.evaluations))].sort((a, b) => a - b);
  const cell = (r: BenchmarkRow | undefined) =>
    r
      ? `${(100 * r.oracleRate).toFixed(1).padStart(5)}%  ${r.meanGap.toFixed(3).padStart(6)}  ${r.maxGap.toFixed(2).padStart(5)}  ${Math.round(r.evaluationsPerSecond).toString().padStart(7)}`
      : ''.padEnd(33);
  const width = 33;
  const head1 = [
    'evals'.padEnd(6),
    ...algorithms.map((a) => `${a} (${rows.find((r) => r.algorithm === a)?.runs ?? 0} runs)`.padEnd(width)),
  ];
  const head2 = [''.padEnd(6), ...algorithms.map(() => 'oracle  gap.mean gap.max  evals/s'.padEnd(width))];
  const lines = budgets.map((b) => [
    String(b).padEnd(6),
    ...algorithms.map((a) => cell(rows.find((r) => r.algorithm === a && r.evaluations === b)).padEnd(width)),
  ]);
  return [head1, head2, ...lines].map((cols) => cols.join(' | ').trimEnd()).join('\n');
}
