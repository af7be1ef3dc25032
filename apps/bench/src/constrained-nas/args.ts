export interface ConstrainedNasArgs {
  latency: string;
  accuracy: string;
  /** File whose metaTrain/metaValid devices train the predictor (default: --latency). */
  train?: string;
  devices?: string[];
  /** Explicit budgets per device (ms); default: the device's latency quartiles. */
  budgets?: Map<string, number[]>;
  maxMeasurements: number;
  /** Calibration shots besides the 10 reference archs; the rest of the budget goes to verification. */
  shots: number;
  dataset: string;
  evaluations: number;
  steps?: number;
  members?: number;
  json: boolean;
}

export const USAGE = `Usage: npm run bench:constrained-nas -- --latency FILE --accuracy FILE [--train FILE] [--devices a,b]
       [--budgets d:ms,…] [--max-measurements 20] [--shots 1] [--dataset cifar100] [--evaluations 1000] [--steps N] [--members N] [--json]`;

export function parseArgs(argv: readonly string[]): ConstrainedNasArgs {
  const out: Partial<ConstrainedNasArgs> = {
    maxMeasurements: 20,
    shots: 1,
    dataset: 'cifar100',
    evaluations: 1000,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const int = (min: number): number => {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min)
        throw new Error(`${flag} must be an integer ≥ ${min}, got "${raw}"`);
      return n;
    };
    if (flag === '--latency') out.latency = value();
    else if (flag === '--accuracy') out.accuracy = value();
    else if (flag === '--train') out.train = value();
    else if (flag === '--devices') out.devices = value().split(',').filter(Boolean);
    else if (flag === '--budgets') out.budgets = parseBudgets(value());
    else if (flag === '--max-measurements') out.maxMeasurements = int(11);
    else if (flag === '--shots') out.shots = int(0);
    else if (flag === '--dataset') out.dataset = value();
    else if (flag === '--evaluations') out.evaluations = int(10);
    else if (flag === '--steps') out.steps = int(1);
    else if (flag === '--members') out.members = int(1);
    else if (flag === '--json') out.json = true;
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  if (!out.latency || !out.accuracy) throw new Error(`--latency and --accuracy are required\n${USAGE}`);
  if (10 + out.shots! >= out.maxMeasurements!)
    throw new Error(
      `--shots ${out.shots} leaves nothing to verify with: 10 reference archs + shots must be < --max-measurements`,
    );
  return out as ConstrainedNasArgs;
}

/** `titanx_1:5.2,titanx_1:7,gold_6240:30` → per device, its budgets in ms. */
export function parseBudgets(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const part of text.split(',').filter(Boolean)) {
    const [device, raw] = part.split(':');
    const ms = Number(raw);
    if (!device || !(ms > 0)) throw new Error(`--budgets: "${part}" must read device:ms with ms > 0`);
    out.set(device, [...(out.get(device) ?? []), ms]);
  }
  return out;
}
