import type { ProtocolRanges } from '@tailor/datasets';
import type { PredictorCorpus } from './corpus';
import { protocolSplit } from './help-protocol';
import type { LatencyPredictor } from './latency-predictor';
import { spearman } from './metrics';

/**
 * Mean Spearman of `predictor` on one device of the corpus under HELP's protocol, over the given seeds
 * (each seed draws other shots): what checkpoint selection scores a validation device by.
 */
export function protocolSpearman(
  predictor: LatencyPredictor,
  corpus: PredictorCorpus,
  device: string,
  ranges: ProtocolRanges,
  samples: number,
  seeds: readonly number[],
): number {
  const latency = corpus.devices[device];
  const scores = seeds.map((seed) => {
    const { shots, query } = protocolSplit(latency, ranges, corpus.referenceIndex, samples, seed);
    const calibration = predictor.adapt(
      corpus.referenceIndex.map((i) => latency[i]),
      shots.map((i) => ({ features: corpus.features[i], ms: latency[i] })),
    );
    const est = predictor.predict(
      calibration,
      query.map((i) => corpus.features[i]),
    );
    return spearman(
      est.map((e) => e.ms),
      query.map((i) => latency[i]),
    );
  });
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}
