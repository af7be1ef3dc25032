import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import {
  type DeviceWithSpaces,
  DevicesRepository,
  FarmAgentsRepository,
  MeasurementsRepository,
} from '@tailor/persistence';
import { offlineAfterSec } from '../farm/liveness';
import { TAILOR_CONFIG } from '../tokens';

interface FarmFacts {
  readonly agents: Map<string, { total: number; online: number }>;
  readonly measurements: Map<string, Record<string, number>>;
}

/**
 * What a user sees of a device: where its latencies come from and for which spaces. Recorded devices
 * list the spaces they have tables for; farm devices add their agents, runtime and measurement counts.
 */
function deviceView({ device, searchSpaces }: DeviceWithSpaces, farm: FarmFacts) {
  const base = {
    id: device.id,
    kind: device.kind,
    hardware: device.hardware,
    info: device.info,
    searchSpaces,
    createdAt: device.createdAt,
    updatedAt: device.updatedAt,
  };
  if (device.kind !== 'farm') return base;
  const bySpace = farm.measurements.get(device.id) ?? {};
  const agents = farm.agents.get(device.id) ?? { total: 0, online: 0 };
  return {
    ...base,
    searchSpaces: Object.keys(bySpace).sort(),
    runtime: (device.info as { runtime?: unknown }).runtime ?? null,
    agents,
    online: agents.online > 0,
    measurementCount: Object.values(bySpace).reduce((a, b) => a + b, 0),
    measurementsBySpace: bySpace,
  };
}

@Injectable()
export class DevicesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly agents: FarmAgentsRepository,
    private readonly measurements: MeasurementsRepository,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  async list() {
    const farm = await this.farmFacts();
    return (await this.devices.list()).map((d) => deviceView(d, farm));
  }

  async get(id: string) {
    const d = await this.devices.get(id);
    if (!d) throw notFound('id', `unknown device "${id}"`);
    return deviceView(d, await this.farmFacts());
  }

  private async farmFacts(): Promise<FarmFacts> {
    return {
      agents: await this.agents.agentCounts(offlineAfterSec(this.config.farm)),
      measurements: await this.measurements.countsByDevice(),
    };
  }
}
