import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, type DatabaseOptions } from './data-source';
import {
  ApiKeysRepository,
  CalibrationsRepository,
  DatabaseHealthRepository,
  DatasetsRepository,
  DevicesRepository,
  ExportsRepository,
  FarmAgentsRepository,
  MeasurementQueueRepository,
  MeasurementsRepository,
  PredictorsRepository,
  SearchesRepository,
  SupernetsRepository,
  TablesRepository,
} from './repositories';

const REPOSITORIES = [
  ApiKeysRepository,
  DatabaseHealthRepository,
  DatasetsRepository,
  DevicesRepository,
  TablesRepository,
  SearchesRepository,
  FarmAgentsRepository,
  MeasurementQueueRepository,
  MeasurementsRepository,
  PredictorsRepository,
  CalibrationsRepository,
  SupernetsRepository,
  ExportsRepository,
];

/** Closes the pool once every other module has stopped (queue workers may still write during their own shutdown). */
@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Provides the DataSource (token: the `DataSource` class) and the repositories, app-wide. Migrations are
 * not run here: call `runMigrations` before creating the app (see its note on embedded mode). The
 * embedded server, if any, belongs to the caller: close it after `app.close()`.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: DataSource, useFactory: () => createDataSource(options) },
        DataSourceCloser,
        ...REPOSITORIES.map((repository) => ({
          provide: repository,
          useFactory: (dataSource: DataSource) => new repository(dataSource),
          inject: [DataSource],
        })),
      ],
      exports: [DataSource, ...REPOSITORIES],
    };
  }
}
