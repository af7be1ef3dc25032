import { Injectable } from '@nestjs/common';
import { notFound } from '@tailor/common';
import { type DeviceWithSpaces, DevicesRepository } from '@tailor/persistence';

/** What a user sees of a device: where its latencies come from and for which spaces. */
function deviceView({ device, searchSpaces }: DeviceWithSpaces) {
  return {
    id: device.id,
    kind: device.kind,
    hardware: device.hardware,
    info: device.info,
    searchSpaces,
    createdAt: device.createdAt,
    updatedAt: device.updatedAt,
  };
}

@Injectable()
export class DevicesService {
  constructor(private readonly devices: DevicesRepository) {}

  async list() {
    return (await this.devices.list()).map(deviceView);
  }

  async get(id: string) {
    const d = await this.devices.get(id);
    if (!d) throw notFound('id', `unknown device "${id}"`);
    return deviceView(d);
  }
}
