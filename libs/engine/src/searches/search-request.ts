import { invalid } from '@tailor/common';
import type { AlgorithmName, Constraint, Objective } from '@tailor/search';

/** A search as submitted over REST (already shape-checked by the API's DTOs). */
export interface SearchRequest {
  readonly name?: string;
  readonly searchSpace: string;
  readonly algorithm: AlgorithmName;
  readonly objectives: readonly MetricRef[];
  readonly constraints: readonly MetricRef[];
  readonly budget: { readonly evaluations: number };
  readonly seed: number;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly topK?: number;
  /**
   * For a latency constraint on a device whose latencies are predicted (a farm device without a table):
   * how many archs the search may measure on the device to verify its answer (default 10).
   */
  readonly verification?: { readonly maxMeasurements?: number; readonly accuracyTopK?: number };
}

export const DEFAULT_VERIFICATION_MEASUREMENTS = 10;
/** OFA: candidates measured on the device and scored on the validation split (see ValidatedView). */
export const DEFAULT_ACCURACY_TOP_K = 5;

export type MetricName = 'accuracy' | 'latency' | 'flops' | 'params';

export interface MetricRef {
  readonly metric: MetricName;
  /** accuracy: which table (e.g. cifar100). */
  readonly dataset?: string;
  /** latency: which device. */
  readonly device?: string;
  readonly goal?: 'min' | 'max';
  readonly max?: number;
  readonly min?: number;
}

/** Keys the search library works with: `accuracy:cifar100`, `latency:pixel3`, `flops`, `params`. */
export function metricKey(ref: MetricRef, field: string): string {
  switch (ref.metric) {
    case 'accuracy':
      if (!ref.dataset)
        throw invalid(`${field}.dataset`, 'is required for the accuracy metric (e.g. "cifar100")');
      if (ref.device) throw invalid(`${field}.device`, 'is not used by the accuracy metric');
      return `accuracy:${ref.dataset}`;
    case 'latency':
      if (!ref.device) throw invalid(`${field}.device`, 'is required for the latency metric (e.g. "pixel3")');
      if (ref.dataset) throw invalid(`${field}.dataset`, 'is not used by the latency metric');
      return `latency:${ref.device}`;
    case 'flops':
    case 'params':
      if (ref.device || ref.dataset)
        throw invalid(field, `the ${ref.metric} metric takes no device or dataset`);
      return ref.metric;
    default:
      throw invalid(
        `${field}.metric`,
        `unknown metric "${String((ref as MetricRef).metric)}"; use accuracy, latency, flops or params`,
      );
  }
}

const DEFAULT_GOAL: Record<MetricName, 'min' | 'max'> = {
  accuracy: 'max',
  latency: 'min',
  flops: 'min',
  params: 'min',
};

export interface ResolvedProblem {
  readonly objectives: Objective[];
  readonly constraints: Constraint[];
  readonly devices: string[];
  readonly datasets: string[];
}

export function resolveProblem(req: SearchRequest): ResolvedProblem {
  if (req.objectives.length === 0) throw invalid('objectives', 'must name at least one objective');
  const devices = new Set<string>();
  const datasets = new Set<string>();
  const note = (ref: MetricRef): void => {
    if (ref.device) devices.add(ref.device);
    if (ref.dataset) datasets.add(ref.dataset);
  };
  const seen = new Set<string>();
  const objectives = req.objectives.map((ref, i) => {
    const field = `objectives[${i}]`;
    const metric = metricKey(ref, field);
    if (seen.has(metric)) throw invalid(field, `metric ${metric} is already an objective`);
    seen.add(metric);
    if (ref.max !== undefined || ref.min !== undefined)
      throw invalid(field, 'objectives take a goal, not max/min limits; put limits in constraints');
    note(ref);
    return { metric, goal: ref.goal ?? DEFAULT_GOAL[ref.metric] };
  });
  const constraints = req.constraints.map((ref, i) => {
    const field = `constraints[${i}]`;
    const metric = metricKey(ref, field);
    if (ref.goal) throw invalid(`${field}.goal`, 'constraints take max and/or min, not a goal');
    if (ref.max === undefined && ref.min === undefined) throw invalid(field, 'needs max and/or min');
    if (ref.max !== undefined && ref.min !== undefined && ref.min > ref.max)
      throw invalid(`${field}.min`, `must not exceed max (${ref.max}), got ${ref.min}`);
    if (ref.metric === 'latency' && ref.max !== undefined && ref.max <= 0)
      throw invalid(`${field}.max`, `a latency budget must be positive, got ${ref.max}`);
    note(ref);
    return { metric, max: ref.max, min: ref.min };
  });
  return { objectives, constraints, devices: [...devices], datasets: [...datasets] };
}
