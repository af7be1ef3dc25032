import { notFound, TailorError } from '@tailor/common';
import type { SearchSpace } from '@tailor/search-spaces';
import type { Constraint, Objective } from '@tailor/search';
import type { PredictedDeviceLatency } from './predicted-latency';
import type { AccuracyFetcher, SupernetAccuracySource } from './supernet-accuracy';

/** Where a table-backed metric's numbers come from: canonical arch key → value. */
export type MetricTable = ReadonlyMap<string, number>;

/** Latencies of a farm device, measured on demand (canonical arch key → ms, null when it failed). */
export type FarmLatencyFetcher = (archKeys: readonly string[]) => Promise<ReadonlyMap<string, number | null>>;

export interface MetricSources {
  readonly latency: ReadonlyMap<string, MetricTable>; // by device
  readonly accuracy: ReadonlyMap<string, MetricTable>; // by dataset
  readonly farmLatency?: ReadonlyMap<string, FarmLatencyFetcher>; // by farm device
  /** Farm devices without a table whose latency comes from their calibrated predictor. */
  readonly predictedLatency?: ReadonlyMap<string, PredictedDeviceLatency>;
  /** Datasets without a table whose accuracy comes from a supernet's accuracy predictor (OFA). */
  readonly predictedAccuracy?: ReadonlyMap<string, AccuracyFetcher>;
  /** The supernets behind predictedAccuracy, by dataset. */
  readonly supernets?: ReadonlyMap<string, Omit<SupernetAccuracySource, 'predict'>>;
}

/**
 * Evaluates the metrics a search needs for a batch of archs. Table lookups return null for archs the
 * table does not cover (the search then treats the candidate as infeasible); analytic metrics come
 * from the space.
 */
export class MetricEvaluator<A = unknown> {
  private readonly metrics: string[];

  constructor(
    private readonly space: SearchSpace<A>,
    objectives: readonly Objective[],
    constraints: readonly Constraint[],
    private readonly sources: MetricSources,
  ) {
    this.metrics = [...new Set([...objectives, ...constraints].map((m) => m.metric))];
    for (const metric of this.metrics)
      if (!this.farmDevice(metric) && !this.predictedDevice(metric) && !this.predictedDataset(metric))
        this.lookupFor(metric);
  }

  /** True when some metric is measured on a farm device: only `evaluate` (async) can produce it. */
  get measuresOnFarm(): boolean {
    return this.metrics.some(
      (m) => this.farmDevice(m) !== undefined || this.predictedDevice(m) !== undefined,
    );
  }

  /** The predicted-latency devices of this search's metrics, by metric name. */
  predictedMetrics(): Array<{ metric: string; model: PredictedDeviceLatency }> {
    return this.metrics.flatMap((metric) => {
      const device = this.predictedDevice(metric);
      return device === undefined ? [] : [{ metric, model: this.sources.predictedLatency!.get(device)! }];
    });
  }

  /** Metrics whose accuracy a supernet's predictor answers, with that supernet (OFA searches). */
  supernetMetrics(): Array<{ metric: string; supernetId: string; checkpointDir: string }> {
    return this.metrics.flatMap((metric) => {
      const dataset = this.predictedDataset(metric);
      const s = dataset === undefined ? undefined : this.sources.supernets?.get(dataset);
      return s ? [{ metric, ...s }] : [];
    });
  }

  evaluateOne(arch: A): Record<string, number | null> {
    if (this.measuresOnFarm)
      throw new TailorError('INTERNAL', 'farm-measured metrics need evaluate(), not evaluateOne()');
    const row = this.tableMetrics(arch);
    this.fillPredictedAccuracy([arch], [row]);
    return row;
  }

  async evaluate(archs: readonly A[]): Promise<Array<Record<string, number | null>>> {
    const rows = archs.map((a) => this.tableMetrics(a));
    this.fillPredictedAccuracy(archs, rows);
    const keys = archs.map((a) => this.space.canonical(a));
    for (const metric of this.metrics) {
      const device = this.farmDevice(metric);
      if (device === undefined) continue;
      const measured = await this.sources.farmLatency!.get(device)!(keys);
      rows.forEach((row, i) => (row[metric] = measured.get(keys[i]) ?? null));
    }
    for (const { metric, model } of this.predictedMetrics()) {
      const beliefs = await model.predict(keys);
      rows.forEach((row, i) => (row[metric] = beliefs[i].ms));
    }
    return rows;
  }

  /** One batched predictor call per predicted dataset, instead of one per arch. */
  private fillPredictedAccuracy(archs: readonly A[], rows: Array<Record<string, number | null>>): void {
    for (const metric of this.metrics) {
      const dataset = this.predictedDataset(metric);
      if (dataset === undefined || archs.length === 0) continue;
      const values = this.sources.predictedAccuracy!.get(dataset)!(archs);
      rows.forEach((row, i) => (row[metric] = values[i]));
    }
  }

  private predictedDataset(metric: string): string | undefined {
    const [kind, name] = metric.split(':', 2);
    return kind === 'accuracy' && this.sources.predictedAccuracy?.has(name) ? name : undefined;
  }

  private tableMetrics(arch: A): Record<string, number | null> {
    const key = this.space.canonical(arch);
    const out: Record<string, number | null> = {};
    for (const metric of this.metrics) {
      if (metric === 'flops') out[metric] = this.space.flops(arch);
      else if (metric === 'params') out[metric] = this.space.params(arch);
      else if (!this.farmDevice(metric) && !this.predictedDevice(metric) && !this.predictedDataset(metric))
        out[metric] = this.lookupFor(metric).get(key) ?? null;
    }
    return out;
  }

  private farmDevice(metric: string): string | undefined {
    const [kind, name] = metric.split(':', 2);
    return kind === 'latency' && this.sources.farmLatency?.has(name) ? name : undefined;
  }

  private predictedDevice(metric: string): string | undefined {
    const [kind, name] = metric.split(':', 2);
    return kind === 'latency' && this.sources.predictedLatency?.has(name) ? name : undefined;
  }

  private lookupFor(metric: string): MetricTable {
    const [kind, name] = metric.split(':', 2);
    if (kind === 'latency') {
      const t = this.sources.latency.get(name);
      if (!t) throw notFound('device', `no latency table for device "${name}" in ${this.space.id}`);
      return t;
    }
    if (kind === 'accuracy') {
      const t = this.sources.accuracy.get(name);
      if (!t) throw notFound('dataset', `no accuracy table "${name}" for ${this.space.id}`);
      return t;
    }
    if (kind === 'flops' || kind === 'params') return new Map();
    throw new TailorError('INVALID_ARGUMENT', `unknown metric ${metric}`, 'metric');
  }
}
