import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { mapDbErrors } from './db-errors';

/** A lookup table: `values[i]` belongs to `archKeys[i]`. */
export interface LookupTable {
  archKeys: string[];
  values: number[];
  datasetId: string;
}

/** Which dataset each device's latency table of a space comes from (not the values). */
export interface LatencyTableRef {
  deviceId: string;
  datasetId: string;
}

export interface AccuracyDatasetInfo {
  dataset: string;
  unit: string;
  datasetId: string;
  createdAt: Date;
}

@Injectable()
export class TablesRepository {
  constructor(private readonly dataSource: DataSource) {}

  getLatencyTable(deviceId: string, searchSpace: string): Promise<LookupTable | null> {
    return this.lookup(
      `SELECT d.arch_keys, t."values", t.dataset_id
         FROM latency_tables t JOIN datasets d ON d.id = t.dataset_id
        WHERE t.device_id = $1 AND t.search_space = $2`,
      [deviceId, searchSpace],
    );
  }

  /** The latency tables of a space, by device id, without their values. */
  async listLatencyTables(searchSpace: string): Promise<LatencyTableRef[]> {
    const rows: { device_id: string; dataset_id: string }[] = await mapDbErrors('latency tables', () =>
      this.dataSource.query(
        `SELECT device_id, dataset_id FROM latency_tables WHERE search_space = $1 ORDER BY device_id`,
        [searchSpace],
      ),
    );
    return rows.map((r) => ({ deviceId: r.device_id, datasetId: r.dataset_id }));
  }

  /** Latency values of the named devices' tables of a space, aligned with their dataset's arch keys. */
  async latencyValues(
    searchSpace: string,
    deviceIds: readonly string[],
  ): Promise<Map<string, { datasetId: string; values: number[] }>> {
    const rows: { device_id: string; dataset_id: string; values: number[] }[] = await mapDbErrors(
      'latency tables',
      () =>
        this.dataSource.query(
          `SELECT device_id, dataset_id, "values" FROM latency_tables
            WHERE search_space = $1 AND device_id = ANY($2::text[])`,
          [searchSpace, [...deviceIds]],
        ),
    );
    return new Map(rows.map((r) => [r.device_id, { datasetId: r.dataset_id, values: r.values }]));
  }

  getAccuracyTable(searchSpace: string, dataset: string): Promise<LookupTable | null> {
    return this.lookup(
      `SELECT d.arch_keys, t."values", t.dataset_id
         FROM accuracy_tables t JOIN datasets d ON d.id = t.dataset_id
        WHERE t.search_space = $1 AND t.dataset = $2`,
      [searchSpace, dataset],
    );
  }

  async listAccuracyDatasets(searchSpace: string): Promise<AccuracyDatasetInfo[]> {
    const rows: { dataset: string; unit: string; dataset_id: string; created_at: Date }[] =
      await this.dataSource.query(
        `SELECT dataset, unit, dataset_id, created_at FROM accuracy_tables WHERE search_space = $1 ORDER BY dataset`,
        [searchSpace],
      );
    return rows.map((r) => ({
      dataset: r.dataset,
      unit: r.unit,
      datasetId: r.dataset_id,
      createdAt: r.created_at,
    }));
  }

  private lookup(sql: string, params: unknown[]): Promise<LookupTable | null> {
    return mapDbErrors('lookup table', async () => {
      const rows: { arch_keys: string[]; values: number[]; dataset_id: string }[] =
        await this.dataSource.query(sql, params);
      if (rows.length === 0) return null;
      return { archKeys: rows[0].arch_keys, values: rows[0].values, datasetId: rows[0].dataset_id };
    });
  }
}
