import type { LatencyDataset, ProtocolRanges } from '@tailor/datasets';
import type { SearchSpace } from '@tailor/search-spaces';
import { archFeatures } from './arch-features';

/** A latency table seen as predictor data: features and FLOPs per arch, latencies per device. */
export interface PredictorCorpus {
  searchSpace: string;
  archKeys: string[];
  /** Raw (unscaled) features per arch, see archFeatures. */
  features: number[][];
  flops: number[];
  referenceIndex: number[];
  devices: Record<string, number[]>;
  splits?: { metaTrain: string[]; metaValid: string[] };
  ranges?: ProtocolRanges;
}

export function corpusFromDataset(space: SearchSpace, dataset: LatencyDataset): PredictorCorpus {
  if (dataset.searchSpace !== space.id)
    throw new RangeError(`dataset is for ${dataset.searchSpace}, the space is ${space.id}`);
  const archs = dataset.archKeys.map((key) => space.parse(key));
  return {
    searchSpace: space.id,
    archKeys: dataset.archKeys,
    features: archs.map((a) => archFeatures(space, a)),
    flops: archs.map((a) => space.flops(a)),
    referenceIndex: dataset.referenceArchIndices,
    devices: Object.fromEntries(dataset.devices.map((d) => [d.id, d.values])),
    ...(dataset.splits
      ? { splits: { metaTrain: dataset.splits.metaTrain, metaValid: dataset.splits.metaValid } }
      : {}),
    ...(dataset.protocolRanges ? { ranges: dataset.protocolRanges } : {}),
  };
}

/** Indices of a half-open range. */
export function indexRange([start, end]: readonly [number, number]): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
