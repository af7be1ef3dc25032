import { type FeatureScaler } from './feature-scaler';
import type { LatencyPredictor } from './latency-predictor';
import type { MetaModelConfig, WeightMap } from './meta-sgd-model';
import { predictorFromWeights } from './ensemble-training';

/**
 * A meta-trained predictor as plain JSON (weights as base64 float32), what the service stores per
 * predictor version and what `loadPredictor` turns back into a LatencyPredictor.
 */
export interface PredictorSnapshot {
  format: 'tailor-latency-predictor';
  version: 1;
  searchSpace: string;
  /** Canonical strings of the reference archs, in hardware-embedding order. */
  referenceArchs: string[];
  referenceFeatures: number[][];
  config: MetaModelConfig;
  scaler: FeatureScaler;
  members: Record<string, { shape: number[]; data: string }>[];
}

export function snapshotPredictor(
  searchSpace: string,
  referenceArchs: readonly string[],
  predictor: LatencyPredictor,
  config: MetaModelConfig,
): PredictorSnapshot {
  return {
    format: 'tailor-latency-predictor',
    version: 1,
    searchSpace,
    referenceArchs: [...referenceArchs],
    referenceFeatures: predictor.referenceFeatures.map((r) => [...r]),
    config,
    scaler: predictor.scaler,
    members: predictor.members.map((m) => encodeWeights(m.weights())),
  };
}

export function loadPredictor(snapshot: PredictorSnapshot): LatencyPredictor {
  if (snapshot?.format !== 'tailor-latency-predictor' || snapshot.version !== 1)
    throw new RangeError('not a tailor-latency-predictor snapshot of version 1');
  return predictorFromWeights(
    snapshot.config,
    snapshot.scaler,
    snapshot.referenceFeatures,
    snapshot.members.map(decodeWeights),
  );
}

function encodeWeights(w: WeightMap): Record<string, { shape: number[]; data: string }> {
  return Object.fromEntries(
    Object.entries(w).map(([k, v]) => [
      k,
      {
        shape: v.shape,
        data: Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).toString('base64'),
      },
    ]),
  );
}

function decodeWeights(w: Record<string, { shape: number[]; data: string }>): WeightMap {
  return Object.fromEntries(
    Object.entries(w).map(([k, v]) => {
      const bytes = Buffer.from(v.data, 'base64');
      const copy = new Uint8Array(bytes).buffer; // aligned copy for Float32Array
      return [k, { shape: v.shape, data: new Float32Array(copy) }];
    }),
  );
}
