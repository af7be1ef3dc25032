import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { TailorConfig } from '@tailor/config';
import {
  ApiKeysService,
  DatasetsService,
  loggerLevels,
  MetricsService,
  type OpenDatabase,
  openDatabase,
  PredictorsService,
  shippedPredictorFiles,
  SupernetsService,
} from '@tailor/engine';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { setupSwagger } from './http/swagger';
import { type ErrorBody, reason } from './http/error-body';
import { createValidationPipe } from './http/validation';

export interface ServerOptions {
  readonly imports?: string[];
  readonly quiet?: boolean;
  /**
   * Let Nest close the app on SIGTERM/SIGINT (default). The CLI turns this off and orders shutdown
   * itself: local agents first (they need the API to hand back their leases), then the app.
   */
  readonly shutdownHooks?: boolean;
  /**
   * Import the predictor files Tailor ships (device-farm/data/fmnist-mbv3-predictor.json) for spaces
   * that have no trained or training predictor yet. `tailor serve` turns this on; the tests opt in.
   */
  readonly shippedPredictors?: boolean;
  /**
   * Register the finished supernet checkpoints Tailor ships (search-spaces/supernets/<space>/) as
   * succeeded supernets, once. `tailor serve` turns this on; the tests opt in.
   */
  readonly shippedSupernets?: boolean;
}

export interface RunningServer {
  readonly app: INestApplication;
  readonly url: string;
  /** Set when this start created the admin key (first start without TAILOR_ADMIN_KEY). */
  readonly createdAdminKey?: string;
  close(): Promise<void>;
}

const JSON_LIMIT = '1mb';

/** Builds the HTTP app (shared by `tailor serve` and the e2e tests). */
export async function createServer(config: TailorConfig, opts: ServerOptions = {}): Promise<RunningServer> {
  const db = await openDatabase(config);
  try {
    return await buildAndListen(config, db, opts);
  } catch (err) {
    // A failed start must not leave the embedded database running (it holds the data-dir lock).
    await db.close().catch(() => undefined);
    throw err;
  }
}

async function buildAndListen(
  config: TailorConfig,
  db: OpenDatabase,
  opts: ServerOptions,
): Promise<RunningServer> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, databaseUrl: db.url, embedded: db.embedded }),
    // An explicit adapter: Nest's lazy lookup of the default one cannot run under jest's CommonJS loader.
    new ExpressAdapter(),
    { logger: opts.quiet ? ['error', 'warn'] : loggerLevels(config.logLevel), bodyParser: false },
  );
  app.useBodyParser('json', { limit: JSON_LIMIT });
  app.setGlobalPrefix('api/v1');
  app.useGlobalPipes(createValidationPipe());
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();
  const metrics = app.get(MetricsService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ route });
    });
    next();
  });
  setupSwagger(app);
  // Body-parser failures (malformed JSON, over 1 MB) happen before routing; answer them in our error shape.
  app.use(
    (
      err: { status?: number; type?: string; message?: string },
      _req: Request,
      res: Response,
      next: NextFunction,
    ) => {
      if (!err || !err.status || err.status >= 500) return next(err);
      const message =
        err.type === 'entity.too.large'
          ? `request body is over ${JSON_LIMIT}`
          : err.type === 'entity.parse.failed'
            ? `malformed JSON: ${err.message}`
            : (err.message ?? 'bad request');
      const body: ErrorBody = {
        statusCode: err.status,
        error: reason(err.status),
        message,
        field: 'body',
        code: err.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_ARGUMENT',
      };
      res.status(err.status).json(body);
    },
  );

  try {
    return await finishStart(app, config, db, opts);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}

async function finishStart(
  app: NestExpressApplication,
  config: TailorConfig,
  db: OpenDatabase,
  opts: ServerOptions,
): Promise<RunningServer> {
  const createdAdminKey = await ensureAdminKey(app, config, opts.quiet);
  const datasets = app.get(DatasetsService);
  for (const file of opts.imports ?? []) {
    const imported = await datasets.import(readFileSync(file), file, null);
    new Logger('Import').log(
      `${file}: ${imported.kind} table for ${imported.searchSpace} (${imported.tables.join(', ')})`,
    );
  }
  if (opts.shippedPredictors) await importShippedPredictors(app);
  if (opts.shippedSupernets) await registerShippedSupernets(app);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    createdAdminKey,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

/** A shipped file that cannot be imported is logged, not fatal: the API works without it. */
async function importShippedPredictors(app: INestApplication): Promise<void> {
  const predictors = app.get(PredictorsService);
  for (const shipped of shippedPredictorFiles()) {
    try {
      await predictors.importShippedIfMissing(shipped.searchSpace, shipped.path);
    } catch (err) {
      new Logger('Predictors').warn(
        `shipped ${shipped.searchSpace} predictor ${shipped.path} not imported: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}

/** Like the shipped predictors: a checkpoint that cannot be registered is logged, not fatal. */
async function registerShippedSupernets(app: INestApplication): Promise<void> {
  const supernets = app.get(SupernetsService);
  for (const shipped of supernets.shippedDirs()) {
    try {
      await supernets.registerShipped(shipped.searchSpace, shipped.dir);
    } catch (err) {
      new Logger('Supernets').warn(
        `shipped ${shipped.searchSpace} supernet ${shipped.dir} not registered: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}

async function ensureAdminKey(
  app: INestApplication,
  config: TailorConfig,
  quiet?: boolean,
): Promise<string | undefined> {
  const { created, key } = await app.get(ApiKeysService).ensureAdmin(config.adminKey);
  const file = join(config.dataDir, 'admin.key');
  if (created && key) {
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    if (!quiet) {
      // Printed once, on purpose: it is the only time the secret is shown.
      console.log(`\n  Admin API key (saved to ${file}, shown once):\n\n    ${key}\n`);
    }
    return key;
  }
  if (!quiet && !config.adminKey && existsSync(file)) new Logger('Auth').log(`admin key in ${file}`);
  return undefined;
}
