import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TailorError, invalid, notFound, showValue } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import { hasCheckpoint } from '@tailor/nn';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportRow,
  type NewExport,
  ExportsRepository,
  DevicesRepository,
  SearchesRepository,
  type SupernetRow,
  SupernetsRepository,
} from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import type { Principal } from '../api-keys/principal';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { TAILOR_CONFIG } from '../tokens';
import { exportCandidates, type SearchResultView } from '../searches/search-views';
import type { MetricRef } from '../searches/search-request';
import {
  type CreateExport,
  type CreateSearchExport,
  downloadFileName,
  exportFormats,
} from './export-request';
import type { ExportResult } from './export-result';
import { downloadedFile, exportView } from './export-views';

export const EXPORT_JOB = 'exports';

/** A file ready to stream: where it is and the headers that describe it. */
export interface ExportDownload {
  readonly path: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly bytes: number;
  readonly sha256: string;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  onnx: 'application/octet-stream',
  tfjs: 'application/x-tar',
};

/**
 * Subnets of succeeded supernets exported as ONNX and TF.js files by queued jobs (ExportRunner), each
 * into its own folder under the data dir, verified on the test set, and served as downloads.
 */
@Injectable()
export class ExportsService {
  private readonly log = new Logger('Exports');

  constructor(
    private readonly exports: ExportsRepository,
    private readonly supernets: SupernetsRepository,
    private readonly searches: SearchesRepository,
    private readonly devices: DevicesRepository,
    private readonly spaces: SearchSpacesService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  /** Validates the whole request before the first write, so a rejected one stores nothing. */
  async create(req: CreateExport, who: Principal | null) {
    const supernet = await this.supernets.get(req.supernet);
    if (!supernet) throw notFound('supernet', `no supernet ${req.supernet}`);
    this.checkUsable(supernet, 'supernet');
    const space = this.spaces.get(supernet.searchSpace, 'supernet');
    const arch = space.canonical(space.parse(req.arch, 'arch'));
    const formats = exportFormats(req.formats);
    const deviceId = req.device === undefined ? null : await this.farmDevice(req.device, 'device');
    return this.enqueue({ supernetId: supernet.id, searchSpace: space.id, arch, formats, deviceId }, who);
  }

  /**
   * Exports candidate `candidate` of a succeeded search (0 = its answer; see exportCandidates) from the
   * supernet that predicted its accuracy, or else the newest succeeded supernet of the space. The
   * latency is measured on the search's farm device, against the search's budget.
   */
  async createFromSearch(req: CreateSearchExport, who: Principal | null) {
    const search = await this.searches.get(req.search);
    if (!search) throw notFound('id', `no search ${req.search}`);
    if (search.status !== 'succeeded')
      throw new TailorError(
        'CONFLICT',
        `search ${search.id} is ${search.status}; only a succeeded search's candidates can be exported`,
        'id',
      );
    const result = search.result as unknown as SearchResultView;
    const candidates = exportCandidates(result);
    const index = req.candidate ?? 0;
    if (!Number.isInteger(index) || index < 0)
      throw invalid('candidate', `must be an integer ≥ 0, got ${showValue(req.candidate)}`);
    if (index >= candidates.length)
      throw notFound(
        'candidate',
        candidates.length === 0
          ? `search ${search.id} found no candidate to export`
          : `search ${search.id} has ${candidates.length} candidate(s) (0–${candidates.length - 1}), not ${index}`,
      );
    const request = search.request as {
      searchSpace: string;
      constraints?: MetricRef[];
      objectives?: MetricRef[];
    };
    const supernet = await this.supernetFor(request.searchSpace, result.validated?.supernetId);
    const space = this.spaces.get(supernet.searchSpace, 'id');
    const arch = space.canonical(space.parse(candidates[index].key, `candidate`));
    const device = [...(request.constraints ?? []), ...(request.objectives ?? [])].find(
      (r) => r.metric === 'latency',
    )?.device;
    const farm = device ? await this.devices.get(device) : null;
    return this.enqueue(
      {
        supernetId: supernet.id,
        searchSpace: space.id,
        arch,
        formats: exportFormats(req.formats),
        deviceId: farm?.device.kind === 'farm' ? device! : null,
        searchId: search.id,
        candidateIndex: index,
      },
      who,
    );
  }

  private async enqueue(e: Omit<NewExport, 'createdBy'>, who: Principal | null) {
    const row = await this.exports.create({ ...e, createdBy: who?.keyId ?? null }, (id) =>
      join(this.config.dataDir, 'exports', id),
    );
    try {
      await this.queue.add(EXPORT_JOB, { exportId: row.id }, { jobId: row.id, attempts: 1 });
    } catch (err) {
      await this.exports.remove(row.id);
      throw err;
    }
    this.log.log(
      `export ${row.id} queued (${e.arch}; ${e.formats.join(', ')}) from supernet ${e.supernetId}`,
    );
    return exportView(row);
  }

  private checkUsable(supernet: SupernetRow, field: string): void {
    if (supernet.status !== 'succeeded')
      throw new TailorError(
        'CONFLICT',
        `supernet ${supernet.id} is ${supernet.status}; only a succeeded supernet can be exported from`,
        field,
      );
    if (!hasCheckpoint(supernet.checkpointDir))
      throw new TailorError(
        'UNPROCESSABLE',
        `supernet ${supernet.id} has no checkpoint in ${supernet.checkpointDir}`,
        field,
      );
  }

  /** The supernet a search's candidate is cut from: the one its accuracy came from, else the newest. */
  private async supernetFor(spaceId: string, preferred: string | undefined): Promise<SupernetRow> {
    const rows = (await this.supernets.list(spaceId)).filter(
      (r) => r.status === 'succeeded' && hasCheckpoint(r.checkpointDir),
    );
    const chosen = rows.find((r) => r.id === preferred) ?? rows[0];
    if (!chosen)
      throw new TailorError(
        'CONFLICT',
        `no succeeded supernet of ${spaceId} to cut the candidate from (POST /api/v1/supernets trains one)`,
        'id',
      );
    return chosen;
  }

  private async farmDevice(device: unknown, field: string): Promise<string> {
    if (typeof device !== 'string' || device === '')
      throw invalid(field, `must be a device id, got ${showValue(device)}`);
    const found = await this.devices.get(device);
    if (!found) throw notFound(field, `unknown device "${device}"`);
    if (found.device.kind !== 'farm')
      throw new TailorError(
        'UNPROCESSABLE',
        `device "${device}" is a recorded table, not a farm device: nothing can measure the export there`,
        field,
      );
    return device;
  }

  async get(id: string) {
    return exportView(await this.row(id));
  }

  /**
   * The file a download of `format` sends. Refused while the export has not succeeded: until then
   * the files are missing, partial, or failed verification.
   */
  async download(id: string, format: string): Promise<ExportDownload> {
    const row = await this.row(id);
    if (!EXPORT_FORMATS.includes(format as ExportFormat))
      throw invalid('format', `must be one of ${EXPORT_FORMATS.join(', ')}, got ${showValue(format)}`);
    const f = format as ExportFormat;
    if (row.status !== 'succeeded')
      throw new TailorError(
        'CONFLICT',
        `export ${id} is ${row.status}; download it once it has succeeded`,
        'id',
      );
    const file = downloadedFile(row.result as unknown as ExportResult, f);
    if (!row.formats.includes(f) || !file)
      throw notFound('format', `export ${id} has no ${f} file (formats: ${row.formats.join(', ')})`);
    const path = join(row.dir, file.name);
    if (!existsSync(path)) throw notFound('id', `export ${id}: ${path} is no longer on disk`);
    return {
      path,
      fileName: downloadFileName(row.arch, row.id, f),
      contentType: CONTENT_TYPES[f],
      bytes: file.bytes,
      sha256: file.sha256,
    };
  }

  private async row(id: string): Promise<ExportRow> {
    const row = await this.exports.get(id);
    if (!row) throw notFound('id', `no export ${id}`);
    return row;
  }
}
