import { TailorError, invalid, notFound, quantileSorted, showValue } from '@tailor/common';
import type { AccuracyDataset, LatencyDataset } from './dataset-types';

/**
 * One column of a dataset (a device's latencies, or a dataset's accuracies) keyed by canonical arch
 * string: O(1) lookups, and percentiles of the values (used to pick latency budgets).
 */
export class ValueLookup {
  private readonly byKey = new Map<string, number>();
  private sorted: Float64Array | undefined;

  constructor(archKeys: readonly string[], values: readonly number[]) {
    if (archKeys.length !== values.length) {
      throw new TailorError(
        'INTERNAL',
        `lookup needs one value per arch: ${archKeys.length} archs, ${values.length} values`,
      );
    }
    archKeys.forEach((key, i) => this.byKey.set(key, values[i]));
  }

  get size(): number {
    return this.byKey.size;
  }

  get(archKey: string): number | undefined {
    return this.byKey.get(archKey);
  }

  has(archKey: string): boolean {
    return this.byKey.has(archKey);
  }

  /**
   * The p-th percentile (p in [0, 100]) with linear interpolation between closest ranks, the same
   * definition as numpy's default, so budgets match what users compute in a notebook.
   */
  percentile(p: number): number {
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 100) {
      throw invalid('percentile', `must be a number in [0, 100], got ${showValue(p)}`);
    }
    if (this.byKey.size === 0) throw new TailorError('UNPROCESSABLE', 'percentile of an empty table');
    // Sorted once, lazily: most lookups never ask for a percentile.
    this.sorted ??= Float64Array.from(this.byKey.values()).sort();
    return quantileSorted(this.sorted, p / 100);
  }
}

export class LatencyLookup extends ValueLookup {
  /** The latencies (ms) of one recorded device. */
  static forDevice(dataset: LatencyDataset, deviceId: string): LatencyLookup {
    const device = dataset.devices.find((d) => d.id === deviceId);
    if (!device) {
      const known = dataset.devices.map((d) => d.id).join(', ');
      throw notFound('device', `is not a device of this dataset (${known}), got ${showValue(deviceId)}`);
    }
    return new LatencyLookup(dataset.archKeys, device.values);
  }
}

export class AccuracyLookup extends ValueLookup {
  /** The accuracies (percent) measured on one dataset, e.g. `cifar100`. */
  static forMetric(dataset: AccuracyDataset, name: string): AccuracyLookup {
    const metric = dataset.metrics.find((m) => m.dataset === name);
    if (!metric) {
      const known = dataset.metrics.map((m) => m.dataset).join(', ');
      throw notFound('dataset', `is not a dataset of this accuracy table (${known}), got ${showValue(name)}`);
    }
    return new AccuracyLookup(dataset.archKeys, metric.values);
  }
}
