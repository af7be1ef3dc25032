export * from './dataset-types';
export { SPACE_ALIASES } from './arch-column-reader';
export type { Issue } from './issue-collector';
export { parseLatencyTable } from './latency-table-parser';
export { parseAccuracyTable } from './accuracy-table-parser';
export { detectDatasetKind, parseDatasetFile, parseDatasetJson } from './dataset-file-parser';
export { ValueLookup, LatencyLookup, AccuracyLookup } from './value-lookup';
