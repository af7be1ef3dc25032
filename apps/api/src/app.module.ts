import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { EngineModule, type EngineOptions } from '@tailor/engine';
import { ApiKeysController } from './admin/api-keys.controller';
import { DatasetsController } from './admin/datasets.controller';
import { DevicesController } from './catalog/devices.controller';
import { ExportsController } from './exports/exports.controller';
import { SearchSpacesController } from './catalog/search-spaces.controller';
import { AgentController } from './farm/agent.controller';
import { FarmAdminController } from './farm/farm-admin.controller';
import { MeasurementsController } from './farm/measurements.controller';
import { ApiKeyGuard } from './http/auth';
import { TailorExceptionFilter } from './http/tailor-exception.filter';
import { OpsController } from './ops/ops.controller';
import { CalibrationsController } from './predictors/calibrations.controller';
import { PredictController } from './predictors/predict.controller';
import { PredictorsController } from './predictors/predictors.controller';
import { SearchEventsService } from './searches/search-events.service';
import { SearchPlotService } from './searches/search-plot.service';
import { SearchesController } from './searches/searches.controller';
import { SupernetsController } from './supernets/supernets.controller';

@Module({})
export class AppModule {
  static forRoot(engine: Omit<EngineOptions, 'role'>): DynamicModule {
    return {
      module: AppModule,
      imports: [EngineModule.forRoot({ ...engine, role: 'api' })],
      controllers: [
        SearchSpacesController,
        DevicesController,
        DatasetsController,
        ApiKeysController,
        SearchesController,
        OpsController,
        FarmAdminController,
        AgentController,
        MeasurementsController,
        PredictorsController,
        CalibrationsController,
        PredictController,
        SupernetsController,
        ExportsController,
      ],
      providers: [
        SearchEventsService,
        SearchPlotService,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: TailorExceptionFilter },
      ],
    };
  }
}
