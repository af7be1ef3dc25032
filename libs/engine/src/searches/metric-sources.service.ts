import { Injectable } from '@nestjs/common';
import { notFound } from '@tailor/common';
import { DevicesRepository, TablesRepository } from '@tailor/persistence';
import type { SearchSpace } from '@tailor/search-spaces';
import type { MetricSources, MetricTable } from './metric-evaluator';
import type { MetricRef } from './search-request';

/** Loads the latency and accuracy tables a search names, with errors that point at the request field. */
@Injectable()
export class MetricSourcesService {
  constructor(
    private readonly tables: TablesRepository,
    private readonly devices: DevicesRepository,
  ) {}

  async load(
    space: SearchSpace,
    refs: ReadonlyArray<{ ref: MetricRef; field: string }>,
  ): Promise<MetricSources> {
    const latency = new Map<string, MetricTable>();
    const accuracy = new Map<string, MetricTable>();
    for (const { ref, field } of refs) {
      if (ref.metric === 'latency' && ref.device && !latency.has(ref.device)) {
        const t = await this.tables.getLatencyTable(ref.device, space.id);
        if (!t) throw await this.unknownDevice(ref.device, space.id, `${field}.device`);
        latency.set(ref.device, toMap(t.archKeys, t.values));
      }
      if (ref.metric === 'accuracy' && ref.dataset && !accuracy.has(ref.dataset)) {
        const t = await this.tables.getAccuracyTable(space.id, ref.dataset);
        if (!t) {
          const known = (await this.tables.listAccuracyDatasets(space.id)).map((d) => d.dataset);
          throw notFound(
            `${field}.dataset`,
            `no accuracy table "${ref.dataset}" for ${space.id}; ` +
              (known.length ? `known: ${known.join(', ')}` : 'none imported yet (POST /api/v1/datasets)'),
          );
        }
        accuracy.set(ref.dataset, toMap(t.archKeys, t.values));
      }
    }
    return { latency, accuracy };
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
