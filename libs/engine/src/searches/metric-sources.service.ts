import { Injectable } from '@nestjs/common';
import { notFound } from '@tailor/common';
import { DevicesRepository, TablesRepository } from '@tailor/persistence';
import type { SearchSpace } from '@tailor/search-spaces';
import { FarmLatencyService, type FarmMeasureContext } from '../farm/farm-latency.service';
import { PredictorsService } from '../predictors/predictors.service';
import { PredictedDeviceLatency } from './predicted-latency';
import { SearchCalibrations } from './search-calibrations';
import { type AccuracyFetcher, SUPERNET_DATASET, SupernetAccuracy } from './supernet-accuracy';
import type { FarmLatencyFetcher, MetricSources, MetricTable } from './metric-evaluator';
import type { MetricRef } from './search-request';

/** Loads the latency and accuracy tables a search names, with errors that point at the request field. */
@Injectable()
export class MetricSourcesService {
  constructor(
    private readonly tables: TablesRepository,
    private readonly devices: DevicesRepository,
    private readonly farm: FarmLatencyService,
    private readonly predictors: PredictorsService,
    private readonly calibrations: SearchCalibrations,
    private readonly supernetAccuracy: SupernetAccuracy,
  ) {}

  async load(
    space: SearchSpace,
    refs: ReadonlyArray<{ ref: MetricRef; field: string }>,
    farmContext: FarmMeasureContext = { searchId: null },
  ): Promise<MetricSources> {
    const latency = new Map<string, MetricTable>();
    const farmLatency = new Map<string, FarmLatencyFetcher>();
    const predictedLatency = new Map<string, PredictedDeviceLatency>();
    const accuracy = new Map<string, MetricTable>();
    const predictedAccuracy = new Map<string, AccuracyFetcher>();
    const supernets = new Map<string, { supernetId: string; checkpointDir: string }>();
    for (const { ref, field } of refs) {
      const device = ref.device;
      const seen =
        latency.has(device ?? '') || farmLatency.has(device ?? '') || predictedLatency.has(device ?? '');
      if (ref.metric === 'latency' && device && !seen) {
        const t = await this.tables.getLatencyTable(device, space.id);
        const measure = (keys: readonly string[]) => this.farm.latencies(device, space.id, keys, farmContext);
        if (t) latency.set(device, toMap(t.archKeys, t.values));
        else if ((await this.devices.get(device))?.device.kind !== 'farm')
          throw await this.unknownDevice(device, space.id, `${field}.device`);
        else if (await this.predictors.latest(space.id))
          // No table: the device's calibrated predictor answers, and the search verifies on the device.
          predictedLatency.set(device, new PredictedDeviceLatency(device, space, this.calibrations, measure));
        // No predictor for the space yet: the farm measures every arch the search asks for.
        else farmLatency.set(device, measure);
      }
      if (
        ref.metric === 'accuracy' &&
        ref.dataset &&
        !accuracy.has(ref.dataset) &&
        !predictedAccuracy.has(ref.dataset)
      ) {
        const t = await this.tables.getAccuracyTable(space.id, ref.dataset);
        const predicted = t ? null : await this.supernetAccuracy.load(space, ref.dataset);
        if (predicted) {
          predictedAccuracy.set(ref.dataset, predicted.predict);
          supernets.set(ref.dataset, {
            supernetId: predicted.supernetId,
            checkpointDir: predicted.checkpointDir,
          });
          continue;
        }
        if (!t) {
          const known = (await this.tables.listAccuracyDatasets(space.id)).map((d) => d.dataset);
          throw notFound(
            `${field}.dataset`,
            `no accuracy table "${ref.dataset}" for ${space.id}; ` +
              (known.length ? `known: ${known.join(', ')}` : 'none imported yet (POST /api/v1/datasets)') +
              `; "${SUPERNET_DATASET}" is answered by a supernet's accuracy predictor when one exists for the space`,
          );
        }
        accuracy.set(ref.dataset, toMap(t.archKeys, t.values));
      }
    }
    return { latency, accuracy, farmLatency, predictedLatency, predictedAccuracy, supernets };
  }

  private async unknownDevice(device: string, spaceId: string, field: string) {
    const all = await this.devices.list();
    const exists = all.find((d) => d.device.id === device);
    if (exists) return notFound(field, `device "${device}" has no latency table for ${spaceId}`);
    const usable = all.filter((d) => d.searchSpaces.includes(spaceId)).map((d) => d.device.id);
    return notFound(
      field,
      `unknown device "${device}"; devices with ${spaceId} latencies: ${usable.length ? usable.join(', ') : 'none imported yet'}`,
    );
  }
}

function toMap(keys: readonly string[], values: readonly number[]): MetricTable {
  const m = new Map<string, number>();
  keys.forEach((k, i) => m.set(k, values[i]));
  return m;
}
