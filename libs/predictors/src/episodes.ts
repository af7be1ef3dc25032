import { Rng } from '@tailor/common';
import { DeviceScale, hardwareEmbedding } from './device-scale';
import { filterOutliers, sampleWithoutReplacement } from './help-protocol';
import type { EpisodeSettings, SourceDevice, TrainingCorpus } from './meta-train';

/** A source device ready for sampling: log-latencies and the archs episodes may draw. */
export interface PreparedSource {
  logMs: Float64Array;
  candidates: number[];
}

export interface EpisodeBatch {
  support: number[][];
  query: number[][];
  ys: number[][];
  yq: number[][];
  embeddings: number[][];
}

export function prepareSource(source: SourceDevice, corpus: TrainingCorpus): PreparedSource {
  DeviceScale.fromReferences(corpus.referenceIndex.map((i) => source.ms[i])); // validates the references
  const usable = (corpus.usable ?? corpus.features.map((_, i) => i)).filter((i) =>
    Number.isFinite(source.ms[i]),
  );
  // Outlier filter on the usable archs, as at test time: the extremes are not what adaptation must fit.
  const ordered = [...usable].sort((a, b) => a - b);
  const dense = ordered.map((i) => source.ms[i]);
  const kept = filterOutliers(dense, [0, dense.length]).map((k) => ordered[k]);
  const refs = new Set(corpus.referenceIndex);
  return {
    logMs: Float64Array.from(source.ms, (ms) => (Number.isFinite(ms) ? Math.log(ms) : NaN)),
    candidates: kept.filter((i) => !refs.has(i)),
  };
}

export function sampleEpisodes(
  sources: PreparedSource[],
  referenceIndex: readonly number[],
  opts: EpisodeSettings,
  rng: Rng,
): EpisodeBatch {
  const batch: EpisodeBatch = { support: [], query: [], ys: [], yq: [], embeddings: [] };
  for (let b = 0; b < opts.episodesPerStep; b++) {
    const a = sources[rng.int(sources.length)];
    const mix = sources.length > 1 && rng.next() < opts.mixProbability ? sources[rng.int(sources.length)] : a;
    const w = mix === a ? 1 : rng.next();
    const logMs = (i: number): number => w * a.logMs[i] + (1 - w) * mix.logMs[i];
    const pool = mix === a ? a.candidates : a.candidates.filter((i) => Number.isFinite(mix.logMs[i]));
    const drawn = sampleWithoutReplacement(pool, opts.shots + opts.queryPerEpisode, rng);
    const support = [...referenceIndex, ...drawn.slice(0, opts.shots)];
    const query = drawn.slice(opts.shots);
    const refMs = referenceIndex.map((i) => Math.exp(logMs(i)));
    const scale = DeviceScale.fromReferences(refMs);
    batch.support.push(support);
    batch.query.push(query);
    batch.ys.push(support.map((i) => scale.toTarget(Math.exp(logMs(i)))));
    batch.yq.push(query.map((i) => scale.toTarget(Math.exp(logMs(i)))));
    batch.embeddings.push(hardwareEmbedding(refMs));
  }
  return batch;
}
