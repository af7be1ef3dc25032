import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type FindOptionsWhere, type Repository } from 'typeorm';
import {
  DeviceCalibrationEntity,
  type CalibrationSource,
  type JsonObject,
  type ModelJobStatus,
} from '../entities';
import { mapDbErrors } from './db-errors';
import { row } from './query-values';

export interface NewCalibration {
  deviceId: string;
  searchSpace: string;
  predictorId: string;
  source: CalibrationSource;
  samples: number;
  validationCount: number;
  progress: JsonObject;
  createdBy: string | null;
}

export type CalibrationPatch = Partial<
  Pick<
    DeviceCalibrationEntity,
    | 'status'
    | 'referenceArchs'
    | 'shotArchs'
    | 'validationArchs'
    | 'measured'
    | 'calibration'
    | 'quality'
    | 'measurements'
    | 'progress'
    | 'error'
    | 'finishedAt'
  >
>;

@Injectable()
export class CalibrationsRepository {
  private readonly repo: Repository<DeviceCalibrationEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(DeviceCalibrationEntity);
  }

  create(c: NewCalibration): Promise<DeviceCalibrationEntity> {
    return mapDbErrors('calibration', async () => {
      const id = randomUUID();
      await this.repo.insert(row<DeviceCalibrationEntity>({ id, status: 'queued', measurements: 0, ...c }));
      return this.repo.findOneByOrFail({ id });
    });
  }

  get(id: string): Promise<DeviceCalibrationEntity | null> {
    return mapDbErrors('calibration', () => this.repo.findOneBy({ id }));
  }

  /** Newest first. */
  listForDevice(deviceId: string, searchSpace?: string): Promise<DeviceCalibrationEntity[]> {
    const where: FindOptionsWhere<DeviceCalibrationEntity> = searchSpace
      ? { deviceId, searchSpace }
      : { deviceId };
    return mapDbErrors('calibrations', () =>
      this.repo.find({ where, order: { createdAt: 'DESC', id: 'DESC' } }),
    );
  }

  /** The calibration predictions use: the newest succeeded one of (device, space). */
  latestSucceeded(deviceId: string, searchSpace: string): Promise<DeviceCalibrationEntity | null> {
    return mapDbErrors('calibration', () =>
      this.repo.findOne({
        where: { deviceId, searchSpace, status: 'succeeded' },
        order: { finishedAt: 'DESC', createdAt: 'DESC' },
      }),
    );
  }

  /** queued → running (or running again after a restart); null when gone or finished. */
  markStarted(id: string): Promise<DeviceCalibrationEntity | null> {
    return mapDbErrors('calibration', async () => {
      const { affected } = await this.repo
        .createQueryBuilder()
        .update()
        .set({ status: 'running', startedAt: () => 'now()' })
        .where(`id = :id AND status IN ('queued', 'running')`, { id })
        .execute();
      return affected ? this.repo.findOneBy({ id }) : null;
    });
  }

  async update(id: string, patch: CalibrationPatch): Promise<void> {
    await mapDbErrors('calibration', () => this.repo.update({ id }, row<DeviceCalibrationEntity>(patch)));
  }

  async remove(id: string): Promise<void> {
    await mapDbErrors('calibration', () => this.repo.delete({ id }));
  }

  listByStatus(statuses: ModelJobStatus[]): Promise<DeviceCalibrationEntity[]> {
    return mapDbErrors('calibrations', () =>
      this.repo.find({ where: { status: In(statuses) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }
}
