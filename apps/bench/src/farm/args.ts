/** Command-line flags of `npm run bench:farm`. */
import { RUNTIME_NAMES, type RuntimeName } from '@tailor/measurement';

export const PARTS = ['load', 'quality', 'dataset'] as const;
export type Part = (typeof PARTS)[number];

/** One local agent configuration: what a real `tailor agent` is started with. */
export interface RuntimeConfig {
  readonly runtime: RuntimeName;
  readonly threads: number;
  readonly batch: number;
}

export interface FarmArgs {
  parts: Part[];
  duration: number;
  agents: number;
  qualityArchs: number;
  archs: number;
  /** Undefined: each part uses its own default list. */
  configs?: RuntimeConfig[];
  out: string;
  merge: boolean;
  json: boolean;
}

export const QUALITY_CONFIGS = 'onnxruntime:1:1,onnxruntime:2:1,tfjs-wasm:1:1,tfjs-cpu:1:1';
export const DATASET_CONFIGS =
  'onnxruntime:1:1,onnxruntime:2:1,onnxruntime:1:16,tfjs-wasm:1:1,tfjs-wasm:1:16,tfjs-cpu:1:1';

export const USAGE = `Usage: npm run bench:farm -- [options]
  --part LIST          load, quality, dataset or all; comma list (default load,quality)
  --duration SEC       load: seconds of steady load before draining (default 60)
  --agents N           load: simulated agents (default 200)
  --quality-archs N    quality: sampled fmnist-mbv3 archs measured twice per config (default 50)
  --archs N            dataset: archs per device, the 10 reference archs included (default 300)
  --configs LIST       runtime:threads:batch list for quality/dataset, e.g. onnxruntime:1:1,tfjs-wasm:1:16
                       (default quality: ${QUALITY_CONFIGS}
                                dataset: ${DATASET_CONFIGS})
  --out FILE           dataset file (default device-farm/data/fmnist-mbv3-farm.json)
  --merge              dataset: add/replace these configs' devices in an existing --out file
  --json               print the reports as JSON instead of tables
Progress goes to stderr, tables to stdout. Needs \`npm run build\` (the API and agent run from dist/).
The load part needs PostgreSQL at postgres://postgres@127.0.0.1:5432 and Redis at redis://127.0.0.1:6379
(it creates and drops a database tailor_bench_<pid>); quality and dataset use the embedded database.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** `onnxruntime:2:1` → {runtime, threads 2, batch 1}; threads and batch default to 1. */
export function parseConfigs(list: string): RuntimeConfig[] {
  return list
    .split(',')
    .filter((s) => s.length > 0)
    .map((item) => {
      const [runtime, threads = '1', batch = '1', extra] = item.split(':');
      if (extra !== undefined || !(RUNTIME_NAMES as readonly string[]).includes(runtime))
        fail(`--configs: "${item}" is not runtime:threads:batch with runtime in ${RUNTIME_NAMES.join(', ')}`);
      const n = (v: string) =>
        /^[1-9]\d{0,3}$/.test(v) ? Number(v) : fail(`--configs: bad number in "${item}"`);
      return { runtime: runtime as RuntimeName, threads: n(threads), batch: n(batch) };
    });
}

export const configLabel = (c: RuntimeConfig): string => `${c.runtime}:${c.threads}:${c.batch}`;

export function parseFarmArgs(argv: readonly string[]): FarmArgs {
  const args: FarmArgs = {
    parts: ['load', 'quality'],
    duration: 60,
    agents: 200,
    qualityArchs: 50,
    archs: 300,
    out: 'device-farm/data/fmnist-mbv3-farm.json',
    merge: false,
    json: false,
  };
  const positive = (flag: string, v: string) =>
    /^[1-9]\d*$/.test(v) ? Number(v) : fail(`${flag} needs a positive integer, got "${v}"`);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (flag === '--json' || flag === '--merge') {
      args[flag === '--json' ? 'json' : 'merge'] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === '--part') {
      const parts = value.split(',').filter((p) => p.length > 0);
      args.parts = parts.includes('all')
        ? [...PARTS]
        : parts.map((p) =>
            (PARTS as readonly string[]).includes(p) ? (p as Part) : fail(`unknown part "${p}"`),
          );
    } else if (flag === '--duration') args.duration = positive(flag, value);
    else if (flag === '--agents') args.agents = positive(flag, value);
    else if (flag === '--quality-archs') args.qualityArchs = positive(flag, value);
    else if (flag === '--archs') args.archs = positive(flag, value);
    else if (flag === '--configs') args.configs = parseConfigs(value);
    else if (flag === '--out') args.out = value;
    else fail(`unknown option ${flag}`);
  }
  if (args.archs < 10) fail('--archs must be at least 10 (the reference archs come first)');
  if (args.agents < 2) fail('--agents must be at least 2');
  return args;
}
