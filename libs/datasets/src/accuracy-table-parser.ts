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
} from './arch-column-reader';
import type { AccuracyDataset, AccuracyMetric, ParseOptions, SpaceResolver } from './dataset-types';
import { IssueCollector } from './issue-collector';

/** Assumed when the file does not say; values are percentages whatever the label, hence the [0, 100] check. */
const DEFAULT_UNIT = 'percent';

/**
 * Validates a whole accuracy table (the schema of shared/data/nasbench201/accuracy.json): one
 * `accuracy.<dataset>` column of percentages per dataset, aligned with `archs`. Returns it typed or
 * throws a TailorError naming the first problems' paths and values.
 */
export function parseAccuracyTable(
  json: unknown,
  resolveSpace: SpaceResolver,
  opts: ParseOptions = {},
): AccuracyDataset {
  const issues: IssueCollector = new IssueCollector(opts.fileName, opts.maxIssues);
  const root = readRoot(json, issues);
  const space = resolveSearchSpace(root.searchSpace, resolveSpace, issues);
  const unit = root.unit ?? DEFAULT_UNIT;
  if (typeof unit !== 'string' || unit.trim().length === 0) {
    issues.fail('unit', 'must be a non-empty string', unit);
  }
  const column = readArchColumn(root, space, issues);

  const accuracy = requireRecord(root.accuracy, 'accuracy', issues);
  const names = Object.keys(accuracy);
  if (names.length === 0) issues.fail('accuracy', 'must hold at least one dataset', accuracy);
  const columns = new Map<string, number[]>();
  const inRange = (x: number): boolean => Number.isFinite(x) && x >= 0 && x <= 100;
  for (const name of names) {
    if (!SLUG.test(name)) {
      issues.add('accuracy', `dataset name ${SLUG_RULE}`, name);
      continue;
    }
    const field = `accuracy.${name}`;
    const values = readValueColumn(
      accuracy[name],
      field,
      column.archsInFile,
      inRange,
      'must be a percentage in [0, 100]',
      issues,
    );
    if (values) columns.set(name, values);
  }
  issues.check();

  const metrics: AccuracyMetric[] = names.map((dataset) => ({
    dataset,
    values: keepFirst(columns.get(dataset)!, column),
  }));
  return {
    kind: 'accuracy',
    searchSpace: space.id,
    archKeys: column.archKeys,
    archs: column.archs,
    metrics,
    unit,
    duplicates: column.duplicates,
    summary: {
      searchSpace: space.id,
      fileName: opts.fileName ?? null,
      archsInFile: column.archsInFile,
      archs: column.archKeys.length,
      perMetric: metrics.map((m) => ({ dataset: m.dataset, ...stats(m.values) })),
    },
  };
}
