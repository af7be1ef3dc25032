import { invalid, TailorError } from '@tailor/common';
import { archFeatures, type PredictorCorpus } from '@tailor/predictors';
import type { ProtocolRanges } from '@tailor/datasets';
import type { SearchSpace } from '@tailor/search-spaces';

/** What the corpus needs of an imported latency file. */
export interface CorpusDataset {
  id: string;
  archKeys: string[];
  referenceArchKeys: string[] | null;
  splits: { metaTrain: string[]; metaValid: string[] } | null;
  protocolRanges: ProtocolRanges | null;
  createdAt: Date;
}

export interface CorpusRequest {
  searchSpace: string;
  /** Device id → dataset its latency table of the space comes from. */
  tables: ReadonlyMap<string, string>;
  datasets: ReadonlyMap<string, CorpusDataset>;
  sourceDevices?: readonly string[];
  validationDevices?: readonly string[];
  /** Reference archs when no dataset of the tables names its own (computed only when needed). */
  fallbackReferences: () => string[];
}

/** Devices, aligned archs and reference archs of a corpus, before any latency value is read. */
export interface CorpusPlan {
  searchSpace: string;
  sources: string[];
  validation: string[];
  archKeys: string[];
  referenceKeys: string[];
  /** HELP's protocol ranges, kept only when every device's table comes from the same file. */
  ranges?: ProtocolRanges;
}

/** Below this many shared archs, episodes (10 shots + 64 query archs of the filtered pool) cannot be drawn. */
export const MIN_CORPUS_ARCHS = 200;

const unprocessable = (field: string, message: string) => new TailorError('UNPROCESSABLE', message, field);

/**
 * Resolves which devices to meta-train and validate on, and the archs every one of them has a latency
 * for. Defaults follow the newest file that names device splits (metaTrain / metaValid); without one,
 * every tabled device not held out for validation is a source. Tables from several files are aligned
 * on the archs they share, in the newest file's order.
 */
export function planCorpus(req: CorpusRequest): CorpusPlan {
  if (req.tables.size === 0)
    throw unprocessable(
      'searchSpace',
      `no recorded latency tables for ${req.searchSpace}; import one with POST /api/v1/datasets`,
    );
  checkDevices(req, 'sourceDevices', req.sourceDevices);
  checkDevices(req, 'validationDevices', req.validationDevices);
  req.validationDevices?.forEach((d, i) => {
    if (req.sourceDevices?.includes(d))
      throw invalid(
        `validationDevices[${i}]`,
        `"${d}" is also a source device; validation devices are held out`,
      );
  });
  const newestFirst = [...new Set(req.tables.values())]
    .map((id) => req.datasets.get(id)!)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  const splits = newestFirst.find((d) => d.splits)?.splits;
  const tabled = [...req.tables.keys()];
  const inTables = (ids: readonly string[]) => ids.filter((d) => req.tables.has(d));
  const validation = req.validationDevices
    ? [...req.validationDevices]
    : inTables(splits?.metaValid ?? []).filter((d) => !req.sourceDevices?.includes(d));
  const sources = req.sourceDevices
    ? [...req.sourceDevices]
    : (splits ? inTables(splits.metaTrain) : tabled).filter((d) => !validation.includes(d));
  if (sources.length === 0)
    throw unprocessable('sourceDevices', `meta-training needs at least 1 source device with a latency table`);

  const used = new Set([...sources, ...validation].map((d) => req.tables.get(d)!));
  const files = newestFirst.filter((d) => used.has(d.id));
  const archKeys = sharedArchs(files);
  if (archKeys.length < MIN_CORPUS_ARCHS)
    throw unprocessable(
      'sourceDevices',
      `the devices' latency tables share ${archKeys.length} archs; meta-training needs at least ${MIN_CORPUS_ARCHS}`,
    );
  const referenceKeys =
    files.find((d) => d.referenceArchKeys?.length)?.referenceArchKeys ?? req.fallbackReferences();
  const known = new Set(archKeys);
  const missing = referenceKeys.find((k) => !known.has(k));
  if (missing !== undefined)
    throw unprocessable(
      'searchSpace',
      `reference arch ${missing} of ${req.searchSpace} has no latency in every chosen device's table; ` +
        `a device is embedded by its latencies on the ${referenceKeys.length} reference archs`,
    );
  const ranges = files.length === 1 ? (files[0].protocolRanges ?? undefined) : undefined;
  return {
    searchSpace: req.searchSpace,
    sources,
    validation,
    archKeys,
    referenceKeys,
    ...(ranges ? { ranges } : {}),
  };
}

/** The predictor corpus of a plan, given each device's table values (aligned with its file's arch keys). */
export function buildCorpus(
  space: SearchSpace,
  plan: CorpusPlan,
  tables: ReadonlyMap<string, { datasetId: string; values: readonly number[] }>,
  datasets: ReadonlyMap<string, CorpusDataset>,
): PredictorCorpus {
  const positions = new Map<string, Map<string, number>>();
  const positionIn = (datasetId: string): Map<string, number> => {
    let map = positions.get(datasetId);
    if (!map) {
      map = new Map(datasets.get(datasetId)!.archKeys.map((k, i) => [k, i]));
      positions.set(datasetId, map);
    }
    return map;
  };
  const devices: Record<string, number[]> = {};
  for (const id of [...plan.sources, ...plan.validation]) {
    const table = tables.get(id);
    if (!table)
      throw unprocessable('sourceDevices', `device "${id}" has no latency table for ${plan.searchSpace}`);
    const at = positionIn(table.datasetId);
    devices[id] = plan.archKeys.map((k) => table.values[at.get(k)!]);
  }
  const archs = plan.archKeys.map((k) => space.parse(k));
  const index = new Map(plan.archKeys.map((k, i) => [k, i]));
  return {
    searchSpace: space.id,
    archKeys: plan.archKeys,
    features: archs.map((a) => archFeatures(space, a)),
    flops: archs.map((a) => space.flops(a)),
    referenceIndex: plan.referenceKeys.map((k) => index.get(k)!),
    devices,
    ...(plan.ranges ? { ranges: plan.ranges } : {}),
  };
}

function checkDevices(req: CorpusRequest, field: string, ids: readonly string[] | undefined): void {
  const seen = new Set<string>();
  ids?.forEach((d, i) => {
    if (seen.has(d)) throw invalid(`${field}[${i}]`, `"${d}" is listed twice`);
    seen.add(d);
    if (!req.tables.has(d))
      throw unprocessable(`${field}[${i}]`, `device "${d}" has no latency table for ${req.searchSpace}`);
  });
}

/** Arch keys present in every file, in the first (newest) file's order. */
function sharedArchs(files: readonly CorpusDataset[]): string[] {
  const [first, ...rest] = files;
  const others = rest.map((d) => new Set(d.archKeys));
  return first.archKeys.filter((k) => others.every((s) => s.has(k)));
}
