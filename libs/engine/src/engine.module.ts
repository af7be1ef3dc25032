import { DynamicModule, Global, Module } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import { PersistenceModule } from '@tailor/persistence';
import { QueueModule } from '@tailor/queue';
import { ApiKeysService } from './api-keys/api-keys.service';
import { DatasetsService } from './datasets/datasets.service';
import { DevicesService } from './devices/devices.service';
import { ExportJobs } from './exports/export-jobs';
import { ExportRunner } from './exports/export-runner';
import { ExportsService } from './exports/exports.service';
import { FarmAdminService } from './farm/farm-admin.service';
import { FarmAgentsService } from './farm/farm-agents.service';
import { FarmLatencyService } from './farm/farm-latency.service';
import { LeaseWaiters } from './farm/lease-waiters';
import { MeasurementBatchesService } from './farm/measurement-batches.service';
import { HealthService } from './health/health.service';
import { MetricsService } from './metrics/metrics.service';
import { CalibrationRunner } from './calibrations/calibration-runner';
import { CalibrationsService } from './calibrations/calibrations.service';
import { ModelJobs } from './predictors/model-jobs';
import { PredictService } from './predictors/predict.service';
import { PredictorTrainer } from './predictors/predictor-trainer';
import { PredictorsService } from './predictors/predictors.service';
import { SearchSpacesService } from './search-spaces/search-spaces.service';
import { MetricSourcesService } from './searches/metric-sources.service';
import { SearchCalibrations } from './searches/search-calibrations';
import { SupernetAccuracy } from './searches/supernet-accuracy';
import { SearchJobs } from './searches/search-jobs';
import { SearchProblemFactory } from './searches/search-problem.factory';
import { SearchRunner } from './searches/search-runner';
import { SearchesService } from './searches/searches.service';
import { SupernetJobs } from './supernets/supernet-jobs';
import { SupernetTrainer } from './supernets/supernet-trainer';
import { SupernetsService } from './supernets/supernets.service';
import { ENGINE_ROLE, type EngineRole, TAILOR_CONFIG } from './tokens';

export interface EngineOptions {
  readonly config: TailorConfig;
  readonly role: EngineRole;
  /** The database to use: the external DATABASE_URL or the embedded server's loopback URL. */
  readonly databaseUrl: string;
  readonly embedded: boolean;
}

const SERVICES = [
  ApiKeysService,
  DatasetsService,
  DevicesService,
  SearchSpacesService,
  MetricSourcesService,
  SearchCalibrations,
  SupernetAccuracy,
  SearchProblemFactory,
  SearchRunner,
  SearchesService,
  HealthService,
  MetricsService,
  LeaseWaiters,
  FarmAdminService,
  FarmAgentsService,
  FarmLatencyService,
  MeasurementBatchesService,
  PredictorsService,
  PredictorTrainer,
  CalibrationsService,
  CalibrationRunner,
  PredictService,
  SupernetsService,
  SupernetTrainer,
  ExportsService,
  ExportRunner,
];

/** The service layer shared by the API and the workers. */
@Global()
@Module({})
export class EngineModule {
  static forRoot(opts: EngineOptions): DynamicModule {
    const { config } = opts;
    return {
      module: EngineModule,
      imports: [
        PersistenceModule.forRoot({ url: opts.databaseUrl, embedded: opts.embedded }),
        QueueModule.forRoot({
          redisUrl: config.redisUrl,
          role: opts.role === 'worker' ? 'worker' : 'producer',
          prefix: config.queuePrefix,
          lockDurationMs: config.queueLockMs,
          stalledIntervalMs: config.queueStalledMs,
        }),
      ],
      providers: [
        { provide: TAILOR_CONFIG, useValue: config },
        { provide: ENGINE_ROLE, useValue: opts.role },
        ...SERVICES,
        SearchJobs,
        ModelJobs,
        SupernetJobs,
        ExportJobs,
      ],
      exports: [TAILOR_CONFIG, ENGINE_ROLE, ...SERVICES],
    };
  }
}
