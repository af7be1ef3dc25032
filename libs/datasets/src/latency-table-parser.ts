import {
  SLUG,
  SLUG_RULE,
  keepFirst,
  readArchColumn,
  readRoot,
  readValueColumn,
  requireRecord,
  resolveSearchSpace,
  stats,
  type ArchColumn,
} from './arch-column-reader';
import type {
  ProtocolRanges,
  DeviceSplits,
  LatencyDataset,
  LatencyUnit,
  ParseOptions,
  RecordedDevice,
  SpaceResolver,
} from './dataset-types';
import { IssueCollector } from './issue-collector';

/** Accepted units and their factor to ms; everything is stored in ms. */
const UNIT_TO_MS: Readonly<Record<LatencyUnit, number>> = { ms: 1, s: 1000, us: 0.001 };
const SPLIT_KEYS: readonly (keyof DeviceSplits)[] = ['metaTrain', 'metaValid', 'metaTest', 'unassigned'];

type DeviceInfo = Omit<RecordedDevice, 'id' | 'values'>;

/**
 * Validates a whole latency table (the HELP schema, see shared/data/help/README.md) and returns it
 * typed, or throws a TailorError naming the first problems' paths and values. Nothing is returned
 * for a partly valid file, so callers can never import half of one.
 */
export function parseLatencyTable(
  json: unknown,
  resolveSpace: SpaceResolver,
  opts: ParseOptions = {},
): LatencyDataset {
  const issues: IssueCollector = new IssueCollector(opts.fileName, opts.maxIssues);
  const root = readRoot(json, issues);
  const unit = root.latencyUnit as LatencyUnit;
  if (typeof unit !== 'string' || !Object.hasOwn(UNIT_TO_MS, unit)) {
    issues.fail('latencyUnit', `must be one of ${Object.keys(UNIT_TO_MS).join(', ')}`, unit);
  }
  const space = resolveSearchSpace(root.searchSpace, resolveSpace, issues);
  // Checked before parsing the archs: a mismatch usually means a truncated or hand-edited file.
  if (Array.isArray(root.archs) && root.archs.length > 0 && root.numArchs !== root.archs.length) {
    issues.fail('numArchs', `must equal the number of archs (${root.archs.length})`, root.numArchs);
  }
  const column = readArchColumn(root, space, issues);

  const devicesField = requireRecord(root.devices, 'devices', issues);
  const ids = Object.keys(devicesField);
  if (ids.length === 0) issues.fail('devices', 'must hold at least one device', devicesField);
  const valuesById = new Map<string, number[]>();
  for (const id of ids) {
    if (!SLUG.test(id)) {
      issues.add('devices', `device id ${SLUG_RULE}`, id);
      continue;
    }
    const rule = `must be a finite number > 0 (${unit})`;
    const positive = (x: number): boolean => Number.isFinite(x) && x > 0;
    const values = readValueColumn(
      devicesField[id],
      `devices.${id}`,
      column.archsInFile,
      positive,
      rule,
      issues,
    );
    if (values) valuesById.set(id, values);
  }
  readDevicesInThisFile(root.devicesInThisFile, ids, issues);
  const infoById = readDeviceInfo(root.deviceInfo, ids, issues);
  const referenceArchIndices = readReferenceIndices(root.hardwareEmbeddingIndex, column, issues);
  const splits = root.splits === undefined ? undefined : readSplits(root.splits, issues);
  const protocolRanges = readProtocolRanges(root.helpProtocol, column);
  issues.check();

  const factor = UNIT_TO_MS[unit];
  const devices: RecordedDevice[] = ids.map((id) => {
    const kept = keepFirst(valuesById.get(id)!, column);
    const info = infoById.get(id) ?? { hardware: null, batchSize: null, info: {} };
    return { id, ...info, values: factor === 1 ? kept : kept.map((x) => x * factor) };
  });
  return {
    kind: 'latency',
    searchSpace: space.id,
    archKeys: column.archKeys,
    archs: column.archs,
    referenceArchIndices,
    devices,
    ...(splits ? { splits } : {}),
    ...(protocolRanges ? { protocolRanges } : {}),
    duplicates: column.duplicates,
    summary: {
      searchSpace: space.id,
      fileName: opts.fileName ?? null,
      archsInFile: column.archsInFile,
      archs: column.archKeys.length,
      devices: devices.length,
      sourceUnit: unit,
      perDevice: devices.map((d) => ({ id: d.id, ...stats(d.values) })),
    },
  };
}

/** The file's own list of its devices; a mismatch means the file was assembled inconsistently. */
function readDevicesInThisFile(value: unknown, ids: readonly string[], issues: IssueCollector): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return issues.add('devicesInThisFile', 'must be an array of device ids', value);
  const listed = new Set<unknown>(value);
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !ids.includes(name)) {
      issues.add(`devicesInThisFile[${i}]`, 'must name a device in devices', name);
    }
  });
  if (listed.size !== value.length) issues.add('devicesInThisFile', 'must not repeat a device', value);
  for (const id of ids) {
    if (!listed.has(id)) issues.add('devicesInThisFile', 'must list every device in devices; missing', id);
  }
}

function readDeviceInfo(
  value: unknown,
  ids: readonly string[],
  issues: IssueCollector,
): Map<string, DeviceInfo> {
  const out = new Map<string, DeviceInfo>();
  if (value === undefined || value === null) return out;
  const all = requireRecord(value, 'deviceInfo', issues);
  for (const [id, entry] of Object.entries(all)) {
    const field = `deviceInfo.${id}`;
    if (!ids.includes(id)) {
      issues.add(field, 'describes no device in devices', id);
      continue;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      issues.add(field, 'must be a JSON object', entry);
      continue;
    }
    const { hardware = null, batchSize = null, ...info } = entry as Record<string, unknown>;
    if (hardware !== null && (typeof hardware !== 'string' || hardware.length === 0)) {
      issues.add(`${field}.hardware`, 'must be a non-empty string or null', hardware);
    }
    if (batchSize !== null && !(Number.isInteger(batchSize) && (batchSize as number) > 0)) {
      issues.add(`${field}.batchSize`, 'must be a positive integer or null', batchSize);
    }
    out.set(id, { hardware: hardware as string | null, batchSize: batchSize as number | null, info });
  }
  return out;
}

/**
 * HELP's reference archs (its hardware embedding). Indices refer to the file's archs, so they are
 * mapped onto the de-duplicated list; two that land on the same arch would make a degenerate embedding.
 */
function readReferenceIndices(value: unknown, column: ArchColumn, issues: IssueCollector): number[] {
  if (value === undefined) return [];
  const field = 'hardwareEmbeddingIndex';
  if (!Array.isArray(value)) {
    issues.add(field, 'must be an array of arch indices', value);
    return [];
  }
  const seen = new Map<number, number>();
  const out: number[] = [];
  value.forEach((raw: unknown, i) => {
    if (!Number.isInteger(raw) || (raw as number) < 0 || (raw as number) >= column.archsInFile) {
      return issues.add(`${field}[${i}]`, `must be an integer index in [0, ${column.archsInFile})`, raw);
    }
    const kept = column.rawToKept[raw as number];
    const earlier = seen.get(kept);
    if (earlier !== undefined) {
      return issues.add(`${field}[${i}]`, `must differ from ${field}[${earlier}] (same architecture)`, raw);
    }
    seen.set(kept, i);
    out.push(kept);
  });
  return out;
}

/**
 * HELP's train-pool and query index ranges. They are optional metadata for evaluation: a file cut down
 * from a HELP file (fewer archs) keeps its original `helpProtocol`, whose ranges then no longer fit, and
 * that must not make the latencies unusable. Ranges that do not fit the file, or a file that repeats
 * archs (positions would shift), simply carry no ranges.
 */
function readProtocolRanges(value: unknown, column: ArchColumn): ProtocolRanges | undefined {
  if (value === null || typeof value !== 'object' || column.duplicates > 0) return undefined;
  const record = value as Record<string, unknown>;
  const range = (key: 'trainPoolIndexRange' | 'queryIndexRange'): [number, number] | undefined => {
    const raw = record[key];
    const ok =
      Array.isArray(raw) &&
      raw.length === 2 &&
      raw.every((x) => Number.isInteger(x)) &&
      0 <= raw[0] &&
      raw[0] < raw[1] &&
      raw[1] <= column.archsInFile;
    return ok ? [raw[0], raw[1]] : undefined;
  };
  const trainPool = range('trainPoolIndexRange');
  const query = range('queryIndexRange');
  return trainPool && query ? { trainPool, query } : undefined;
}

function readSplits(value: unknown, issues: IssueCollector): DeviceSplits {
  const record = requireRecord(value, 'splits', issues);
  const splits: DeviceSplits = { metaTrain: [], metaValid: [], metaTest: [], unassigned: [] };
  const splitOf = new Map<string, string>();
  for (const key of Object.keys(record)) {
    if (!(SPLIT_KEYS as readonly string[]).includes(key)) {
      issues.add(`splits.${key}`, `is not a split (expected ${SPLIT_KEYS.join(', ')})`, key);
    }
  }
  for (const key of SPLIT_KEYS) {
    const names = record[key];
    if (names === undefined) continue;
    if (!Array.isArray(names)) {
      issues.add(`splits.${key}`, 'must be an array of device ids', names);
      continue;
    }
    names.forEach((name: unknown, i) => {
      const field = `splits.${key}[${i}]`;
      // Splits may name devices that are not in this file (held-out ones), so only the form is checked.
      if (typeof name !== 'string' || !SLUG.test(name))
        return issues.add(field, `device id ${SLUG_RULE}`, name);
      const other = splitOf.get(name);
      if (other !== undefined)
        return issues.add(field, `must not repeat a device already in splits.${other}`, name);
      splitOf.set(name, key);
      splits[key].push(name);
    });
  }
  return splits;
}
