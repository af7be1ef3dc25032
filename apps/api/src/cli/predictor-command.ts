import fs from 'node:fs';
import path from 'node:path';
import { TailorError } from '@tailor/common';
import { parseLatencyTable } from '@tailor/datasets';
import {
  corpusFromDataset,
  evaluatePredictor,
  type EvaluationReport,
  type PredictorCorpus,
} from '@tailor/predictors';
import { SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';
import { formatEvaluation } from './predictor-report';

export const PREDICTOR_USAGE = `Usage:
  tailor predictor evaluate --train FILE [--test FILE] [--devices a,b] [--samples 10] [--seeds 5] [--json]
                            [--steps 3000] [--members 3]
  Meta-trains the latency predictor on the train file's metaTrain devices (checkpoints selected on metaValid),
  then runs HELP's protocol on each test device: adapt on the reference archs + --samples random archs of the
  training pool, score on the query range. Without --test: leave-one-out over the train file's metaValid devices.`;

export interface EvaluateArgs {
  train: string;
  test?: string;
  devices?: string[];
  samples: number;
  seeds: number;
  json: boolean;
  steps?: number;
  members?: number;
}

export function parsePredictorArgs(argv: readonly string[]): EvaluateArgs {
  if (argv[0] !== 'evaluate')
    throw new TailorError(
      'INVALID_ARGUMENT',
      `unknown predictor command "${argv[0] ?? ''}"\n${PREDICTOR_USAGE}`,
      'command',
    );
  const out: Partial<EvaluateArgs> = { samples: 10, seeds: 5, json: false };
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--'))
        throw new TailorError('INVALID_ARGUMENT', 'needs a value', flag);
      return v;
    };
    const int = (min: number, max: number): number => {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max)
        throw new TailorError(
          'INVALID_ARGUMENT',
          `${flag} must be an integer in [${min}, ${max}], got "${raw}"`,
          flag,
        );
      return n;
    };
    if (flag === '--train') out.train = value();
    else if (flag === '--test') out.test = value();
    else if (flag === '--devices') out.devices = value().split(',').filter(Boolean);
    else if (flag === '--samples') out.samples = int(1, 500);
    else if (flag === '--seeds') out.seeds = int(1, 100);
    else if (flag === '--steps') out.steps = int(1, 1_000_000);
    else if (flag === '--members') out.members = int(1, 20);
    else if (flag === '--json') out.json = true;
    else throw new TailorError('INVALID_ARGUMENT', `unknown option "${flag}"\n${PREDICTOR_USAGE}`, flag);
  }
  if (!out.train)
    throw new TailorError('INVALID_ARGUMENT', `--train FILE is required\n${PREDICTOR_USAGE}`, '--train');
  return out as EvaluateArgs;
}

export async function runPredictorCommand(argv: readonly string[]): Promise<number> {
  const args = parsePredictorArgs(argv);
  const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
  const load = (file: string, flag: string): PredictorCorpus => {
    const abs = path.resolve(file);
    if (!fs.existsSync(abs)) throw new TailorError('INVALID_ARGUMENT', `${flag}: no such file ${abs}`, flag);
    const dataset = parseLatencyTable(JSON.parse(fs.readFileSync(abs, 'utf8')), (id) => registry.get(id), {
      fileName: path.basename(abs),
    });
    return corpusFromDataset(registry.get(dataset.searchSpace), dataset);
  };
  const train = load(args.train, '--train');
  const test = args.test ? load(args.test, '--test') : undefined;
  if (test && test.searchSpace !== train.searchSpace)
    throw new TailorError(
      'INVALID_ARGUMENT',
      `--test is for ${test.searchSpace}, --train for ${train.searchSpace}`,
      '--test',
    );
  const log = args.json ? () => undefined : (m: string) => console.error(m);
  let report: EvaluationReport;
  try {
    report = await evaluatePredictor({
      train,
      test,
      devices: args.devices,
      samples: args.samples,
      seeds: args.seeds,
      training: {
        ...(args.steps ? { steps: args.steps } : {}),
        ...(args.members ? { members: args.members } : {}),
      },
      onProgress: log,
    });
  } catch (e) {
    if (e instanceof RangeError) throw new TailorError('INVALID_ARGUMENT', e.message);
    throw e;
  }
  console.log(args.json ? JSON.stringify(report, null, 2) : formatEvaluation(report));
  return 0;
}
