import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { mapDbErrors } from './db-errors';

@Injectable()
export class DatabaseHealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Round-trips a trivial query; throws UNAVAILABLE when the database cannot be reached. */
  async ping(): Promise<void> {
    await mapDbErrors('database ping', () => this.dataSource.query('SELECT 1'));
  }
}
