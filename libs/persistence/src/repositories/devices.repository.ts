import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeviceEntity, LatencyTableEntity } from '../entities';
import { mapDbErrors } from './db-errors';

export interface DeviceWithSpaces {
  device: DeviceEntity;
  /** Search spaces this device has a latency table for, sorted. */
  searchSpaces: string[];
}

@Injectable()
export class DevicesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<DeviceWithSpaces[]> {
    const devices = await this.dataSource.getRepository(DeviceEntity).find({ order: { id: 'ASC' } });
    const spaces = await this.spacesByDevice();
    return devices.map((device) => ({ device, searchSpaces: spaces.get(device.id) ?? [] }));
  }

  get(id: string): Promise<DeviceWithSpaces | null> {
    return mapDbErrors('device', async () => {
      const device = await this.dataSource.getRepository(DeviceEntity).findOneBy({ id });
      if (!device) return null;
      const spaces = await this.spacesByDevice(id);
      return { device, searchSpaces: spaces.get(id) ?? [] };
    });
  }

  /** Reads only the two key columns, never the large `values`. */
  private async spacesByDevice(deviceId?: string): Promise<Map<string, string[]>> {
    const query = this.dataSource
      .getRepository(LatencyTableEntity)
      .createQueryBuilder('t')
      .select(['t.device_id AS device_id', 't.search_space AS search_space'])
      .orderBy('t.device_id')
      .addOrderBy('t.search_space');
    if (deviceId !== undefined) query.where('t.device_id = :deviceId', { deviceId });
    const rows = await query.getRawMany<{ device_id: string; search_space: string }>();
    const map = new Map<string, string[]>();
    for (const row of rows) {
      const list = map.get(row.device_id) ?? [];
      list.push(row.search_space);
      map.set(row.device_id, list);
    }
    return map;
  }
}
