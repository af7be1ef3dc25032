import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TailorError } from '@tailor/common';
import { parseLatencyTable } from '@tailor/datasets';
import { featureSignature, PREDICTOR_FILE_FORMAT, type PredictorFile } from '@tailor/engine';
import {
  corpusFromDataset,
  DEFAULT_ENSEMBLE_OPTIONS,
  evaluatePredictor,
  type EvaluationReport,
  type PredictorCorpus,
  trainPredictor,
} from '@tailor/predictors';
import { SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';
import { formatEvaluation } from './predictor-report';

export const PREDICTOR_USAGE = `Usage:
  tailor predictor evaluate --train FILE [--test FILE] [--devices a,b] [--samples 10] [--seeds 5] [--json]
                            [--steps 3000] [--members 3]
  Meta-trains the latency predictor on the train file's metaTrain devices (checkpoints selected on metaValid),
  then runs HELP's protocol on each test device: adapt on the reference archs + --samples random archs of the
  training pool, score on the query range. Without --test: leave-one-out over the train file's metaValid devices.

  tailor predictor train --train FILE --out FILE [--steps 3000] [--members 3] [--sources a,b] [--validation c,d]
                         [--seed 0]
  Meta-trains the latency predictor on the train file's metaTrain devices (or --sources), selecting checkpoints
  on its metaValid devices (or --validation), and writes it as a predictor file (tailor-predictor-file): the
  weights, the train file's name and sha256, the options and the Spearman per validation device. \`serve\`
  imports device-farm/data/fmnist-mbv3-predictor.json this way; POST /api/v1/predictors/import takes any.`;

export interface EvaluateArgs {
  command: 'evaluate';
  train: string;
  test?: string;
  devices?: string[];
  samples: number;
  seeds: number;
  json: boolean;
  steps?: number;
  members?: number;
}

export interface TrainArgs {
  command: 'train';
  train: string;
  out: string;
  steps?: number;
  members?: number;
  sources?: string[];
  validation?: string[];
  seed?: number;
}

export type PredictorArgs = EvaluateArgs | TrainArgs;

const FLAGS: Record<PredictorArgs['command'], readonly string[]> = {
  evaluate: ['--train', '--test', '--devices', '--samples', '--seeds', '--steps', '--members', '--json'],
  train: ['--train', '--out', '--steps', '--members', '--sources', '--validation', '--seed'],
};

export function parsePredictorArgs(argv: readonly string[]): PredictorArgs {
  const command = argv[0];
  if (command !== 'evaluate' && command !== 'train')
    throw new TailorError(
      'INVALID_ARGUMENT',
      `unknown predictor command "${command ?? ''}"\n${PREDICTOR_USAGE}`,
      'command',
    );
  const out: Record<string, unknown> =
    command === 'evaluate' ? { command, samples: 10, seeds: 5, json: false } : { command };
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
    const list = (): string[] => {
      const items = value().split(',').filter(Boolean);
      if (items.length === 0) throw new TailorError('INVALID_ARGUMENT', 'needs at least one device', flag);
      return items;
    };
    if (!FLAGS[command].includes(flag))
      throw new TailorError(
        'INVALID_ARGUMENT',
        `unknown option "${flag}" for predictor ${command}\n${PREDICTOR_USAGE}`,
        flag,
      );
    if (flag === '--train') out.train = value();
    else if (flag === '--test') out.test = value();
    else if (flag === '--out') out.out = value();
    else if (flag === '--devices') out.devices = value().split(',').filter(Boolean);
    else if (flag === '--sources') out.sources = list();
    else if (flag === '--validation') out.validation = value().split(',').filter(Boolean);
    else if (flag === '--samples') out.samples = int(1, 500);
    else if (flag === '--seeds') out.seeds = int(1, 100);
    else if (flag === '--steps') out.steps = int(1, 1_000_000);
    else if (flag === '--members') out.members = int(1, 20);
    else if (flag === '--seed') out.seed = int(0, 1_000_000);
    else if (flag === '--json') out.json = true;
  }
  if (!out.train)
    throw new TailorError('INVALID_ARGUMENT', `--train FILE is required\n${PREDICTOR_USAGE}`, '--train');
  if (command === 'train' && !out.out)
    throw new TailorError('INVALID_ARGUMENT', `--out FILE is required\n${PREDICTOR_USAGE}`, '--out');
  return out as unknown as PredictorArgs;
}

interface LoadedTable {
  corpus: PredictorCorpus;
  abs: string;
  sha256: string;
}

function loadTable(registry: SearchSpaceRegistry, file: string, flag: string): LoadedTable {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new TailorError('INVALID_ARGUMENT', `no such file ${abs}`, flag);
  const bytes = fs.readFileSync(abs);
  const dataset = parseLatencyTable(JSON.parse(bytes.toString('utf8')), (id) => registry.get(id), {
    fileName: path.basename(abs),
  });
  return {
    corpus: corpusFromDataset(registry.get(dataset.searchSpace), dataset),
    abs,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

export async function runPredictorCommand(argv: readonly string[]): Promise<number> {
  const args = parsePredictorArgs(argv);
  const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
  try {
    return args.command === 'train' ? await runTrain(args, registry) : await runEvaluate(args, registry);
  } catch (e) {
    if (e instanceof RangeError) throw new TailorError('INVALID_ARGUMENT', e.message);
    throw e;
  }
}

async function runEvaluate(args: EvaluateArgs, registry: SearchSpaceRegistry): Promise<number> {
  const train = loadTable(registry, args.train, '--train').corpus;
  const test = args.test ? loadTable(registry, args.test, '--test').corpus : undefined;
  if (test && test.searchSpace !== train.searchSpace)
    throw new TailorError(
      'INVALID_ARGUMENT',
      `--test is for ${test.searchSpace}, --train for ${train.searchSpace}`,
      '--test',
    );
  const log = args.json ? () => undefined : (m: string) => console.error(m);
  const report: EvaluationReport = await evaluatePredictor({
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
  console.log(args.json ? JSON.stringify(report, null, 2) : formatEvaluation(report));
  return 0;
}

/** How often (in steps) training progress is printed. */
const PROGRESS_EVERY = 250;

async function runTrain(args: TrainArgs, registry: SearchSpaceRegistry): Promise<number> {
  const table = loadTable(registry, args.train, '--train');
  const { corpus } = table;
  const sources = args.sources ?? corpus.splits?.metaTrain ?? [];
  if (sources.length === 0)
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${path.basename(table.abs)} has no metaTrain split; name the devices with --sources a,b`,
      '--sources',
    );
  const validation = (args.validation ?? corpus.splits?.metaValid ?? []).filter((d) => !sources.includes(d));
  const options = {
    steps: args.steps ?? DEFAULT_ENSEMBLE_OPTIONS.steps,
    members: args.members ?? DEFAULT_ENSEMBLE_OPTIONS.members,
    seed: args.seed ?? DEFAULT_ENSEMBLE_OPTIONS.seed,
  };
  const outFile = path.resolve(args.out);
  if (!fs.existsSync(path.dirname(outFile)))
    throw new TailorError('INVALID_ARGUMENT', `no such directory ${path.dirname(outFile)}`, '--out');
  console.error(
    `${corpus.searchSpace}: meta-training on ${sources.join(', ')} (${corpus.archKeys.length} archs), ` +
      `checkpoints selected on ${validation.join(', ') || 'none'}; ` +
      `${options.members} member(s) × ${options.steps} steps, seed ${options.seed}`,
  );
  const started = Date.now();
  const trained = await trainPredictor({
    corpus,
    sources,
    validation,
    options,
    onProgress: (p) => {
      if (p.step % PROGRESS_EVERY !== 0 && p.step !== p.steps) return;
      const elapsed = (Date.now() - started) / 1000;
      console.error(
        `member ${p.member + 1}/${p.members} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} ` +
          `(${elapsed.toFixed(0)} s)`,
      );
    },
  });
  const seconds = (Date.now() - started) / 1000;
  const file: PredictorFile = {
    format: PREDICTOR_FILE_FORMAT,
    version: 1,
    searchSpace: corpus.searchSpace,
    trainedAt: new Date().toISOString(),
    trainFile: { name: path.basename(table.abs), sha256: table.sha256 },
    sources,
    validation: trained.validation,
    options: { ...options, steps: trained.steps, members: trained.members },
    features: featureSignature(registry.get(corpus.searchSpace)),
    snapshot: trained.snapshot,
  };
  const text = `${JSON.stringify(file)}\n`;
  fs.writeFileSync(outFile, text);
  const spearman = Object.entries(trained.validation)
    .map(([d, r]) => `${d} ${r.toFixed(3)}`)
    .join(', ');
  console.error(
    `trained in ${seconds.toFixed(0)} s; validation Spearman: ${spearman || 'no validation devices'}; ` +
      `wrote ${outFile} (${(text.length / 1024).toFixed(0)} KB)`,
  );
  return 0;
}
