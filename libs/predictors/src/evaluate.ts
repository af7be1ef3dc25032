import type { ProtocolRanges } from '@tailor/datasets';
import { nearestSource, flopsLinear, scratchMlp, type SupportSet } from './baselines';
import { indexRange, type PredictorCorpus } from './corpus';
import {
  DEFAULT_ENSEMBLE_OPTIONS,
  predictorFromWeights,
  selectCheckpoints,
  trainEnsemble,
  type EnsembleOptions,
  type TrainingProgress,
} from './ensemble-training';
import { scaleFeatures } from './feature-scaler';
import { protocolSplit } from './help-protocol';
import type { LatencyPredictor } from './latency-predictor';
import { scorePredictions, type PredictionScores } from './metrics';
import { protocolSpearman } from './protocol-score';

export interface EvaluationOptions {
  train: PredictorCorpus;
  /** Held-out devices' file; without it, leave-one-out on the train file's metaValid devices. */
  test?: PredictorCorpus;
  devices?: string[];
  samples: number;
  seeds: number;
  training?: Partial<EnsembleOptions>;
  onProgress?: (message: string) => void;
}

export type MethodName = 'tailor' | 'flopsLinear' | 'nearestSource' | 'scratchMlp';
export const METHODS: readonly MethodName[] = ['tailor', 'flopsLinear', 'nearestSource', 'scratchMlp'];

export interface DeviceResult {
  device: string;
  /** Devices whose validation scores selected the checkpoints for this device. */
  selectedOn: string[];
  queryArchs: number;
  /** Mean over seeds, per method. */
  methods: Record<MethodName, PredictionScores>;
  spearmanStd: number;
  nearestSourceDevice: string[];
  /** Share of query archs whose true latency lies in the predicted 90 % interval. */
  intervalCoverage: number;
}

export interface EvaluationReport {
  searchSpace: string;
  mode: 'leave-one-out' | 'test-file';
  samples: number;
  seeds: number;
  metaTrain: string[];
  metaValid: string[];
  training: Omit<EnsembleOptions, 'model'> & { model: EnsembleOptions['model'] };
  trainingSeconds: number;
  devices: DeviceResult[];
  mean: PredictionScores & { baselines: Record<Exclude<MethodName, 'tailor'>, PredictionScores> };
}

/**
 * HELP's protocol end to end: meta-train on metaTrain (never on a query arch), select checkpoints on
 * metaValid, then per target device and seed adapt on its reference archs + `samples` archs of its
 * filtered training pool and score on its filtered query range — with the baselines on the same split.
 */
export async function evaluatePredictor(opts: EvaluationOptions): Promise<EvaluationReport> {
  const { train } = opts;
  const log = opts.onProgress ?? (() => undefined);
  const training = { ...DEFAULT_ENSEMBLE_OPTIONS, ...opts.training, shots: opts.samples };
  const split = requireSplits(train);
  const ranges = requireRanges(train, 'train');
  const test = opts.test ?? train;
  const testRanges = requireRanges(test, 'test');
  const targets = chooseTargets(opts, split);
  const heldOut = new Set([
    ...indexRange(ranges.query).map((i) => train.archKeys[i]),
    ...indexRange(testRanges.query).map((i) => test.archKeys[i]),
  ]);
  const usable = train.archKeys.map((_, i) => i).filter((i) => !heldOut.has(train.archKeys[i]));
  const validationSeeds = [9001, 9002];

  const started = Date.now();
  log(`meta-training ${training.members} members × ${training.steps} steps on ${split.metaTrain.join(', ')}`);
  const trained = await trainEnsemble(
    {
      features: train.features,
      referenceIndex: train.referenceIndex,
      sources: split.metaTrain.map((id) => ({ id, ms: train.devices[id] })),
      usable,
    },
    training,
    (predictor) =>
      Object.fromEntries(
        split.metaValid.map((d) => [
          d,
          protocolSpearman(predictor, train, d, ranges, opts.samples, validationSeeds),
        ]),
      ),
    (p: TrainingProgress) => {
      if (p.step % 500 === 0)
        log(`  member ${p.member + 1}/${p.members} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)}`);
    },
  );
  const trainingSeconds = (Date.now() - started) / 1000;

  const results: DeviceResult[] = [];
  for (const device of targets) {
    const selectedOn = opts.test ? split.metaValid : split.metaValid.filter((d) => d !== device);
    const chosen = selectCheckpoints(trained, selectedOn);
    const predictor = predictorFromWeights(
      trained.config,
      trained.scaler,
      trained.referenceFeatures,
      chosen.map((c) => c.weights),
    );
    try {
      results.push(
        evaluateDevice(predictor, train, test, split.metaTrain, device, testRanges, opts, selectedOn),
      );
      log(`  ${device}: spearman ${results[results.length - 1].methods.tailor.spearman.toFixed(3)}`);
    } finally {
      predictor.dispose();
    }
  }
  return {
    searchSpace: train.searchSpace,
    mode: opts.test ? 'test-file' : 'leave-one-out',
    samples: opts.samples,
    seeds: opts.seeds,
    metaTrain: split.metaTrain,
    metaValid: split.metaValid,
    training,
    trainingSeconds,
    devices: results,
    mean: {
      ...meanScores(results.map((r) => r.methods.tailor)),
      baselines: {
        flopsLinear: meanScores(results.map((r) => r.methods.flopsLinear)),
        nearestSource: meanScores(results.map((r) => r.methods.nearestSource)),
        scratchMlp: meanScores(results.map((r) => r.methods.scratchMlp)),
      },
    },
  };
}

function evaluateDevice(
  predictor: LatencyPredictor,
  train: PredictorCorpus,
  test: PredictorCorpus,
  metaTrain: readonly string[],
  device: string,
  ranges: ProtocolRanges,
  opts: EvaluationOptions,
  selectedOn: string[],
): DeviceResult {
  const latency = test.devices[device];
  // Baselines that read source devices need the source's latency of each test arch: map by arch key.
  const trainIndexOf = new Map(train.archKeys.map((k, i) => [k, i]));
  const sources = metaTrain.map((id) => ({
    id,
    ms: test.archKeys.map((k) => train.devices[id][trainIndexOf.get(k) ?? -1] ?? NaN),
  }));
  const scaledRows = test.features.map((r) => scaleFeatures(predictor.scaler, r));
  const perSeed: Record<MethodName, PredictionScores>[] = [];
  const nearest: string[] = [];
  const coverage: number[] = [];
  let queryArchs = 0; // the filtered query range: the same for every seed
  for (let seed = 0; seed < opts.seeds; seed++) {
    const { shots, query } = protocolSplit(latency, ranges, test.referenceIndex, opts.samples, seed);
    queryArchs = query.length;
    const supportIndex = [...test.referenceIndex, ...shots];
    const support: SupportSet = { index: supportIndex, ms: supportIndex.map((i) => latency[i]) };
    const actual = query.map((i) => latency[i]);
    const calibration = predictor.adapt(
      test.referenceIndex.map((i) => latency[i]),
      shots.map((i) => ({ features: test.features[i], ms: latency[i] })),
    );
    const estimates = predictor.predict(
      calibration,
      query.map((i) => test.features[i]),
    );
    coverage.push(
      estimates.filter((e, k) => e.low <= actual[k] && actual[k] <= e.high).length / query.length,
    );
    const near = nearestSource(sources, test.referenceIndex, support, query);
    nearest.push(near.device);
    perSeed.push({
      tailor: scorePredictions(
        estimates.map((e) => e.ms),
        actual,
      ),
      flopsLinear: scorePredictions(flopsLinear(test.flops, support, query), actual),
      nearestSource: scorePredictions(near.predictions, actual),
      scratchMlp: scorePredictions(scratchMlp(scaledRows, support, query, seed), actual),
    });
  }
  const sp = perSeed.map((s) => s.tailor.spearman);
  const m = sp.reduce((a, b) => a + b, 0) / sp.length;
  return {
    device,
    selectedOn,
    queryArchs,
    methods: Object.fromEntries(METHODS.map((k) => [k, meanScores(perSeed.map((s) => s[k]))])) as Record<
      MethodName,
      PredictionScores
    >,
    spearmanStd: Math.sqrt(sp.reduce((a, b) => a + (b - m) ** 2, 0) / sp.length),
    nearestSourceDevice: [...new Set(nearest)],
    intervalCoverage: coverage.reduce((a, b) => a + b, 0) / coverage.length,
  };
}

function meanScores(list: readonly PredictionScores[]): PredictionScores {
  const avg = (k: keyof PredictionScores): number => list.reduce((s, x) => s + x[k], 0) / list.length;
  return { spearman: avg('spearman'), kendall: avg('kendall'), mape: avg('mape'), within10: avg('within10') };
}

function requireSplits(c: PredictorCorpus): { metaTrain: string[]; metaValid: string[] } {
  if (!c.splits || c.splits.metaTrain.length === 0 || c.splits.metaValid.length === 0)
    throw new RangeError('the train file needs splits.metaTrain and splits.metaValid');
  for (const d of [...c.splits.metaTrain, ...c.splits.metaValid])
    if (!c.devices[d]) throw new RangeError(`splits name device ${d}, which the train file does not hold`);
  return c.splits;
}

function requireRanges(c: PredictorCorpus, which: string): ProtocolRanges {
  if (!c.ranges)
    throw new RangeError(
      `the ${which} file has no helpProtocol with trainPoolIndexRange and queryIndexRange`,
    );
  return c.ranges;
}

function chooseTargets(opts: EvaluationOptions, split: { metaValid: string[] }): string[] {
  const available = opts.test ? Object.keys(opts.test.devices) : split.metaValid;
  const targets = opts.devices ?? available;
  for (const d of targets)
    if (!available.includes(d))
      throw new RangeError(
        `--devices: ${d} is not ${opts.test ? 'a device of the test file' : 'a metaValid device of the train file'} (${available.join(', ')})`,
      );
  if (!opts.test && targets.length > 0 && split.metaValid.length < 2)
    throw new RangeError('leave-one-out needs at least 2 metaValid devices');
  return targets;
}
