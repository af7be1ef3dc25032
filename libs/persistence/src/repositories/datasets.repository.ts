import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager, type FindOptionsSelect } from 'typeorm';
import { TailorError } from '@tailor/common';
import {
  AccuracyTableEntity,
  DatasetEntity,
  DeviceEntity,
  LatencyTableEntity,
  type DatasetKind,
  type DatasetProtocolRanges,
  type DatasetSplits,
} from '../entities';
import { mapDbErrors } from './db-errors';
import { row, rows } from './query-values';

export interface NewDataset {
  searchSpace: string;
  fileName: string | null;
  sha256: string;
  archKeys: string[];
  summary: Record<string, unknown>;
  /** Api key id of the importer; null for imports not made through the API (seed data, CLI). */
  createdBy: string | null;
  /** Latency files only: what predictor meta-training takes from the file. */
  referenceArchKeys?: string[] | null;
  splits?: DatasetSplits | null;
  protocolRanges?: DatasetProtocolRanges | null;
}

export interface LatencyImportDevice {
  id: string;
  hardware: string | null;
  info: Record<string, unknown>;
  /** Aligned with the dataset's archKeys. */
  values: number[];
}

export interface AccuracyImportTable {
  /** Benchmark data set, e.g. `cifar100`. */
  dataset: string;
  values: number[];
  unit: string;
}

/** A dataset without its arch keys (which can run to tens of thousands of strings). */
export type DatasetListItem = Omit<
  DatasetEntity,
  'archKeys' | 'creator' | 'referenceArchKeys' | 'splits' | 'protocolRanges'
>;

const LIST_COLUMNS: FindOptionsSelect<DatasetEntity> = {
  id: true,
  kind: true,
  searchSpace: true,
  fileName: true,
  sha256: true,
  summary: true,
  createdBy: true,
  createdAt: true,
};

@Injectable()
export class DatasetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * In one transaction: records the dataset, upserts its devices, and replaces each device's latency
   * table for the search space. On any error nothing is written.
   */
  importLatency(dataset: NewDataset, devices: LatencyImportDevice[]): Promise<DatasetEntity> {
    return mapDbErrors('latency import', () =>
      this.dataSource.transaction(async (tx) => {
        const saved = await this.insertDataset(tx, 'latency', dataset);
        if (devices.length === 0) return saved;
        await tx
          .createQueryBuilder()
          .insert()
          .into(DeviceEntity)
          .values(
            rows<DeviceEntity>(
              devices.map((d) => ({ id: d.id, kind: 'recorded', hardware: d.hardware, info: d.info })),
            ),
          )
          .orUpdate(['hardware', 'info', 'updated_at'], ['id'])
          .execute();
        await tx
          .createQueryBuilder()
          .insert()
          .into(LatencyTableEntity)
          .values(
            rows<LatencyTableEntity>(
              devices.map((d) => ({
                id: randomUUID(),
                deviceId: d.id,
                searchSpace: dataset.searchSpace,
                datasetId: saved.id,
                values: d.values,
              })),
            ),
          )
          .orUpdate(['dataset_id', 'values', 'created_at'], ['device_id', 'search_space'])
          .execute();
        return saved;
      }),
    );
  }

  /** Like importLatency: one transaction that replaces the (searchSpace, dataset) accuracy tables. */
  importAccuracy(dataset: NewDataset, tables: AccuracyImportTable[]): Promise<DatasetEntity> {
    return mapDbErrors('accuracy import', () =>
      this.dataSource.transaction(async (tx) => {
        const saved = await this.insertDataset(tx, 'accuracy', dataset);
        if (tables.length === 0) return saved;
        await tx
          .createQueryBuilder()
          .insert()
          .into(AccuracyTableEntity)
          .values(
            rows<AccuracyTableEntity>(
              tables.map((t) => ({
                id: randomUUID(),
                searchSpace: dataset.searchSpace,
                dataset: t.dataset,
                datasetId: saved.id,
                values: t.values,
                unit: t.unit,
              })),
            ),
          )
          .orUpdate(['dataset_id', 'values', 'unit', 'created_at'], ['search_space', 'dataset'])
          .execute();
        return saved;
      }),
    );
  }

  /** Newest first, without arch keys. */
  list(): Promise<DatasetListItem[]> {
    return this.dataSource
      .getRepository(DatasetEntity)
      .find({ select: LIST_COLUMNS, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  get(id: string): Promise<DatasetEntity | null> {
    return mapDbErrors('dataset', () => this.dataSource.getRepository(DatasetEntity).findOneBy({ id }));
  }

  /** Several datasets whole (with arch keys), in no particular order. */
  getMany(ids: readonly string[]): Promise<DatasetEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return mapDbErrors('datasets', () =>
      this.dataSource.getRepository(DatasetEntity).findBy({ id: In([...ids]) }),
    );
  }

  private async insertDataset(
    tx: EntityManager,
    kind: DatasetKind,
    dataset: NewDataset,
  ): Promise<DatasetEntity> {
    const repo = tx.getRepository(DatasetEntity);
    const fresh = { id: randomUUID(), kind, ...dataset };
    await tx.createQueryBuilder().insert().into(DatasetEntity).values(row<DatasetEntity>(fresh)).execute();
    const saved = await repo.findOneBy({ id: fresh.id });
    if (!saved) throw new TailorError('INTERNAL', `dataset ${fresh.id} vanished inside its own transaction`);
    return saved;
  }
}
