/**
 * `npm run bench:search`: constrained search on NAS-Bench-201 (CIFAR-100 accuracy, HELP latencies) against
 * the oracle found by enumeration, for every device and the 25th/50th/75th latency percentiles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ALGORITHM_NAMES,
  formatBenchmarkTable,
  isAlgorithmName,
  nasbench201Tables,
  runSearchBenchmark,
  summarizeBenchmark,
  type AlgorithmName,
} from '@tailor/search';
import { SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';

const USAGE = `Usage: npm run bench:search -- [options]
  --latency FILE       HELP NAS-Bench-201 latencies (default ../shared/data/help/nasbench201.json)
  --accuracy FILE      NAS-Bench-201 accuracies (default ../shared/data/nasbench201/accuracy.json)
  --algorithms LIST    comma-separated (default ${ALGORITHM_NAMES.join(',')})
  --budgets LIST       evaluation budgets (default 300,1000)
  --seeds N            seeds 1..N per setting (default 5)
  --devices LIST       devices (default: every device of the latency file)
  --json               print the per-run results and the summary as JSON instead of the table
Paths are relative to the repository root.`;

interface Args {
  latency: string;
  accuracy: string;
  algorithms: AlgorithmName[];
  budgets: number[];
  seeds: number;
  devices?: string[];
  json: boolean;
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    latency: '../shared/data/help/nasbench201.json',
    accuracy: '../shared/data/nasbench201/accuracy.json',
    algorithms: [...ALGORITHM_NAMES],
    budgets: [300, 1000],
    seeds: 5,
    json: false,
  };
  const list = (v: string) => v.split(',').filter((x) => x.length > 0);
  const positive = (flag: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) fail(`${flag} needs positive integers, got "${v}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') {
      args.json = true;
      continue;
    }
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const value = argv[++i];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === '--latency') args.latency = value;
    else if (flag === '--accuracy') args.accuracy = value;
    else if (flag === '--budgets') args.budgets = list(value).map((v) => positive(flag, v));
    else if (flag === '--seeds') args.seeds = positive(flag, value);
    else if (flag === '--devices') args.devices = list(value);
    else if (flag === '--algorithms') {
      args.algorithms = list(value).map((a) => (isAlgorithmName(a) ? a : fail(`unknown algorithm "${a}"`)));
    } else fail(`unknown option ${flag}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = path.dirname(defaultSearchSpacesDir());
  const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.resolve(root, file), 'utf8'));
  const tables = nasbench201Tables(read(args.latency), read(args.accuracy), 'cifar100');
  const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('nasbench201');
  const devices = args.devices ?? Object.keys(tables.latency);
  if (!args.json) {
    console.log(
      `NAS-Bench-201 / CIFAR-100, ${devices.length} devices × latency limits at p25/p50/p75, ` +
        `${args.seeds} seeds, algorithms with their default options.\n` +
        'oracle = share of runs whose best feasible arch is the best feasible arch by enumeration; ' +
        'gap = oracle − found accuracy, in points.\n',
    );
  }
  const runs = await runSearchBenchmark(space, tables, {
    algorithms: args.algorithms,
    budgets: args.budgets,
    seeds: Array.from({ length: args.seeds }, (_, i) => i + 1),
    percentiles: [25, 50, 75],
    devices,
  });
  const rows = summarizeBenchmark(runs);
  if (args.json) console.log(JSON.stringify({ summary: rows, runs }, null, 2));
  else console.log(formatBenchmarkTable(rows));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
