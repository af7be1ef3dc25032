export interface OfaBenchArgs {
  /** Local agents (devices) to start: onnxruntime, tfjs-wasm, … (see `tailor serve --agents`). */
  readonly devices: number;
  /** Budgets as fractions of the way from the smallest to the largest subnet's predicted latency. */
  readonly budgets: readonly number[];
  readonly evaluations: number;
  /** From-scratch twins: epochs and images per epoch (default: the shipped supernet's total and size). */
  readonly scratchEpochs?: number;
  readonly scratchImagesPerEpoch?: number;
  readonly skipScratch: boolean;
  readonly workDir?: string;
}

export const OFA_BENCH_USAGE = `npm run bench:ofa -- [--devices 2] [--budgets 0.2,0.45,0.7] [--evaluations 2000]
                     [--scratch-epochs N] [--scratch-images-per-epoch N] [--skip-scratch] [--work-dir DIR]`;

export function parseOfaBenchArgs(argv: readonly string[]): OfaBenchArgs {
  let a: OfaBenchArgs = { devices: 2, budgets: [0.2, 0.45, 0.7], evaluations: 2000, skipScratch: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--skip-scratch') {
      a = { ...a, skipScratch: true };
      continue;
    }
    const raw = argv[++i];
    const bad = (why: string): never => {
      throw new Error(`${flag}: ${why}, got "${raw}"\n${OFA_BENCH_USAGE}`);
    };
    if (raw === undefined) bad('needs a value');
    const int = (min: number, max: number) => {
      const n = Number(raw);
      return Number.isInteger(n) && n >= min && n <= max ? n : bad(`an integer in [${min}, ${max}]`);
    };
    if (flag === '--devices') a = { ...a, devices: int(1, 4) };
    else if (flag === '--evaluations') a = { ...a, evaluations: int(100, 100_000) };
    else if (flag === '--scratch-epochs') a = { ...a, scratchEpochs: int(1, 1000) };
    else if (flag === '--scratch-images-per-epoch') a = { ...a, scratchImagesPerEpoch: int(64, 55_000) };
    else if (flag === '--work-dir') a = { ...a, workDir: raw };
    else if (flag === '--budgets') {
      const budgets = raw.split(',').map(Number);
      if (budgets.some((b) => !(b > 0 && b < 1))) bad('fractions in (0, 1), comma-separated');
      a = { ...a, budgets };
    } else bad('unknown option');
  }
  return a;
}
