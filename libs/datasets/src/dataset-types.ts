import type { SearchSpace } from '@tailor/search-spaces';

/**
 * The part of a search space the parsers need. Narrower than `SearchSpace` so any real space fits and
 * tests can pass a small fake; the registry is not a dependency of this library.
 */
export type ArchParser = Pick<SearchSpace, 'id' | 'parse' | 'canonical' | 'toJSON'>;

/** Maps a Tailor search-space id to its space; throws (any error) when the id is unknown. */
export type SpaceResolver = (id: string) => ArchParser;

export interface ParseOptions {
  /** Shown in error messages and details so a user importing several files knows which one failed. */
  fileName?: string;
  /** How many problems to report before giving up (default 5). Structural problems stop at once. */
  maxIssues?: number;
}

/** One device of a latency table: its latencies are known for every arch of the dataset. */
export interface RecordedDevice {
  id: string;
  hardware: string | null;
  batchSize: number | null;
  /** The file's remaining `deviceInfo` fields (e.g. valueType, sourceFile), copied as is. */
  info: Record<string, unknown>;
  /** Milliseconds, aligned with `archKeys`. */
  values: number[];
}

export interface DeviceSplits {
  metaTrain: string[];
  metaValid: string[];
  metaTest: string[];
  unassigned: string[];
}

export interface ProtocolRanges {
  trainPool: [number, number];
  query: [number, number];
}

export interface ValueStats {
  min: number;
  median: number;
  max: number;
}

export interface LatencySummary {
  searchSpace: string;
  fileName: string | null;
  /** Archs in the file, before duplicates were dropped. */
  archsInFile: number;
  archs: number;
  devices: number;
  /** The unit the file used; values are converted to ms. */
  sourceUnit: LatencyUnit;
  perDevice: ({ id: string } & ValueStats)[];
}

export interface LatencyDataset {
  kind: 'latency';
  searchSpace: string;
  /** Canonical arch strings, in file order, without duplicates. */
  archKeys: string[];
  /** `toJSON` form of each arch, aligned with `archKeys`. */
  archs: unknown[];
  /** The file's `hardwareEmbeddingIndex`, as indices into `archKeys`; empty when the file has none. */
  referenceArchIndices: number[];
  devices: RecordedDevice[];
  splits?: DeviceSplits;
  /**
   * HELP's evaluation ranges (`helpProtocol.trainPoolIndexRange` / `queryIndexRange`) as half-open
   * ranges of indices into `archKeys`; absent when the file has no `helpProtocol`.
   */
  protocolRanges?: ProtocolRanges;
  /** Archs dropped because an earlier arch had the same canonical string. */
  duplicates: number;
  summary: LatencySummary;
}

export interface AccuracyMetric {
  /** Dataset the accuracy was measured on, e.g. `cifar100`. */
  dataset: string;
  /** Percent, aligned with `archKeys`. */
  values: number[];
}

export interface AccuracySummary {
  searchSpace: string;
  fileName: string | null;
  archsInFile: number;
  archs: number;
  perMetric: ({ dataset: string } & ValueStats)[];
}

export interface AccuracyDataset {
  kind: 'accuracy';
  searchSpace: string;
  archKeys: string[];
  archs: unknown[];
  metrics: AccuracyMetric[];
  unit: string;
  duplicates: number;
  summary: AccuracySummary;
}

export type Dataset = LatencyDataset | AccuracyDataset;
export type DatasetKind = Dataset['kind'];

export type LatencyUnit = 'ms' | 's' | 'us';
