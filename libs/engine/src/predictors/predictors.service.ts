import { readFileSync } from 'node:fs';
import { basename, isAbsolute, relative } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { invalid, notFound, TailorError } from '@tailor/common';
import {
  DatasetsRepository,
  DevicesRepository,
  type JsonObject,
  PredictorsRepository,
  type PredictorSummary,
  TablesRepository,
} from '@tailor/persistence';
import {
  DEFAULT_ENSEMBLE_OPTIONS,
  ensureTrainingBackend,
  loadPredictor,
  type LatencyPredictor,
  type PredictorCorpus,
  type PredictorSnapshot,
} from '@tailor/predictors';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import { referenceArchs, type SearchSpace } from '@tailor/search-spaces';
import type { Principal } from '../api-keys/principal';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { checkPredictorFile, type PredictorFile } from './predictor-file';
import { predictorView } from './predictor-views';
import { buildCorpus, type CorpusDataset, type CorpusPlan, planCorpus } from './table-corpus';

export const PREDICTOR_JOB = 'predictors';

/** Allowed [min, max] of the training options a request may set; the request DTO uses the same numbers. */
export const PREDICTOR_OPTION_RANGES = { steps: [1, 20_000], members: [1, 10] } as const;

export interface CreatePredictor {
  readonly searchSpace: string;
  readonly sourceDevices?: readonly string[];
  readonly validationDevices?: readonly string[];
  readonly options?: { readonly steps?: number; readonly members?: number };
}

/** A loaded predictor plus what callers need besides the weights. */
export interface LoadedPredictor {
  readonly id: string;
  readonly version: number;
  readonly searchSpace: string;
  readonly referenceArchs: readonly string[];
  readonly predictor: LatencyPredictor;
}

/** Loaded predictors kept in memory; each holds a few MB of tensors. */
const CACHE_SIZE = 4;
/** An evicted predictor is disposed this much later, so a caller that just got it can finish with it. */
const DISPOSE_DELAY_MS = 10_000;

/**
 * Versioned latency predictors per search space, meta-trained by a queued job (PredictorTrainer) on
 * the recorded latency tables in the database. Succeeded predictors never change, so a loaded one is
 * cached by id.
 */
@Injectable()
export class PredictorsService implements OnModuleDestroy {
  private readonly log = new Logger('Predictors');
  private readonly cache = new Map<string, Promise<LoadedPredictor>>();

  constructor(
    private readonly predictors: PredictorsRepository,
    private readonly tables: TablesRepository,
    private readonly datasets: DatasetsRepository,
    private readonly devices: DevicesRepository,
    private readonly spaces: SearchSpacesService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  /** Validates everything a corpus needs before the first write, so a rejected request stores nothing. */
  async create(req: CreatePredictor, who: Principal | null) {
    const space = this.spaces.get(req.searchSpace, 'searchSpace');
    const options = checkOptions(req.options);
    for (const field of ['sourceDevices', 'validationDevices'] as const)
      for (const [i, id] of (req[field] ?? []).entries())
        if (!(await this.devices.get(id))) throw notFound(`${field}[${i}]`, `unknown device "${id}"`);
    const plan = await this.plan(space, req.sourceDevices, req.validationDevices);
    const row = await this.predictors.create({
      searchSpace: space.id,
      options: options as JsonObject,
      sourceDevices: plan.sources,
      validationDevices: plan.validation,
      progress: {
        member: 0,
        members: options.members ?? DEFAULT_ENSEMBLE_OPTIONS.members,
        step: 0,
        steps: options.steps ?? DEFAULT_ENSEMBLE_OPTIONS.steps,
        loss: null,
        percent: 0,
      },
      createdBy: who?.keyId ?? null,
    });
    try {
      await this.queue.add(PREDICTOR_JOB, { predictorId: row.id }, { jobId: row.id, attempts: 1 });
    } catch (err) {
      await this.predictors.remove(row.id);
      throw err;
    }
    this.log.log(
      `predictor ${space.id} v${row.version} queued (sources ${plan.sources.join(', ')}; ` +
        `validation ${plan.validation.join(', ') || 'none'})`,
    );
    return predictorView(row);
  }

  /**
   * Registers a predictor file (`tailor predictor train`) as the space's next, succeeded version.
   * Checked whole before the write (format, version, known space, weights that load and predict), so
   * a refused file stores nothing.
   */
  async importFile(json: unknown, who: Principal | null, origin = 'a predictor file') {
    const file = await checkPredictorFile(json, (id, field) => this.spaces.get(id, field));
    const row = await this.predictors.createSucceeded({
      searchSpace: file.searchSpace,
      options: file.options,
      sourceDevices: file.sources,
      validationDevices: Object.keys(file.validation),
      progress: {
        member: file.options.members ?? file.snapshot.members.length,
        members: file.options.members ?? file.snapshot.members.length,
        step: file.options.steps ?? null,
        steps: file.options.steps ?? null,
        loss: null,
        percent: 100,
        imported: { trainFile: file.trainFile, trainedAt: file.trainedAt },
      },
      snapshot: file.snapshot as unknown as JsonObject,
      validation: file.validation,
      createdBy: who?.keyId ?? null,
    });
    this.log.log(
      `predictor ${row.searchSpace} v${row.version} imported from ${origin} (trained ${file.trainedAt} on ` +
        `${file.trainFile.name}; validation Spearman ${JSON.stringify(file.validation)})`,
    );
    return predictorView(row);
  }

  /**
   * At start: imports a shipped predictor file unless the space already has a predictor that is
   * trained or training. Returns the imported predictor, or null when none was needed.
   */
  async importShippedIfMissing(searchSpace: string, path: string) {
    const existing = await this.predictors.list(searchSpace);
    if (existing.some((p) => p.status !== 'failed')) return null;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8')) as PredictorFile;
    } catch (err) {
      throw invalid('file', `${basename(path)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if ((json as Partial<PredictorFile> | null)?.searchSpace !== searchSpace)
      throw invalid('searchSpace', `${basename(path)} is not a ${searchSpace} predictor file`);
    const shown = relative(process.cwd(), path);
    return this.importFile(json, null, shown.startsWith('..') || isAbsolute(shown) ? path : shown);
  }

  async get(id: string) {
    return predictorView(await this.summary(id));
  }

  async list(searchSpace?: string) {
    if (searchSpace !== undefined) this.spaces.get(searchSpace, 'searchSpace');
    return (await this.predictors.list(searchSpace)).map(predictorView);
  }

  /** The newest succeeded predictor of a space, or null. */
  latest(searchSpace: string): Promise<PredictorSummary | null> {
    return this.predictors.latestSucceeded(searchSpace);
  }

  async summary(id: string): Promise<PredictorSummary> {
    const row = await this.predictors.getSummary(id);
    if (!row) throw notFound('id', `no predictor ${id}`);
    return row;
  }

  /** Devices and aligned archs of a corpus from the space's tables as they are now. */
  async plan(
    space: SearchSpace,
    sourceDevices?: readonly string[],
    validationDevices?: readonly string[],
  ): Promise<CorpusPlan> {
    const refs = await this.tables.listLatencyTables(space.id);
    const tables = new Map(refs.map((t) => [t.deviceId, t.datasetId]));
    return planCorpus({
      searchSpace: space.id,
      tables,
      datasets: await this.corpusDatasets([...new Set(tables.values())]),
      sourceDevices,
      validationDevices,
      fallbackReferences: () => referenceArchs(space),
    });
  }

  /** Reads the plan's latency values and builds the predictor corpus (features of every aligned arch). */
  async corpus(space: SearchSpace, plan: CorpusPlan): Promise<PredictorCorpus> {
    const values = await this.tables.latencyValues(space.id, [...plan.sources, ...plan.validation]);
    const datasets = await this.corpusDatasets([...new Set([...values.values()].map((v) => v.datasetId))]);
    return buildCorpus(space, plan, values, datasets);
  }

  /**
   * A succeeded predictor, loaded once and cached. Use it within one synchronous stretch of code (an
   * evicted predictor is disposed shortly after); call again after any await.
   */
  load(id: string): Promise<LoadedPredictor> {
    let entry = this.cache.get(id);
    if (entry) {
      this.cache.delete(id);
      this.cache.set(id, entry);
      return entry;
    }
    entry = this.loadFromDb(id);
    this.cache.set(id, entry);
    entry.catch(() => this.cache.delete(id));
    while (this.cache.size > CACHE_SIZE) {
      const [oldest, evicted] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      void evicted
        .then((p) => setTimeout(() => p.predictor.dispose(), DISPOSE_DELAY_MS).unref())
        .catch(() => {});
    }
    return entry;
  }

  async onModuleDestroy(): Promise<void> {
    const entries = [...this.cache.values()];
    this.cache.clear();
    for (const entry of entries) await entry.then((p) => p.predictor.dispose()).catch(() => {});
  }

  private async loadFromDb(id: string): Promise<LoadedPredictor> {
    const row = await this.predictors.get(id);
    if (!row) throw notFound('predictor', `no predictor ${id}`);
    if (row.status !== 'succeeded' || !row.snapshot)
      throw new TailorError('CONFLICT', `predictor ${id} is ${row.status}, not trained`, 'predictor');
    const snapshot = row.snapshot as unknown as PredictorSnapshot;
    await ensureTrainingBackend();
    return {
      id,
      version: row.version,
      searchSpace: row.searchSpace,
      referenceArchs: snapshot.referenceArchs,
      predictor: loadPredictor(snapshot),
    };
  }

  private async corpusDatasets(ids: string[]): Promise<Map<string, CorpusDataset>> {
    const rows = await this.datasets.getMany(ids);
    return new Map(
      rows.map((d) => [
        d.id,
        {
          id: d.id,
          archKeys: d.archKeys,
          referenceArchKeys: d.referenceArchKeys,
          splits: d.splits,
          protocolRanges: d.protocolRanges,
          createdAt: d.createdAt,
        },
      ]),
    );
  }
}

function checkOptions(options: CreatePredictor['options'] = {}): { steps?: number; members?: number } {
  const out: { steps?: number; members?: number } = {};
  for (const key of ['steps', 'members'] as const) {
    const [min, max] = PREDICTOR_OPTION_RANGES[key];
    const v = options[key];
    if (v === undefined) continue;
    if (!(Number.isInteger(v) && v >= min && v <= max))
      throw invalid(`options.${key}`, `must be an integer in [${min}, ${max}], got ${v}`);
    out[key] = v;
  }
  return out;
}
