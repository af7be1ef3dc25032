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
  ExportsRepository,
  SupernetsRepository,
} from '@tailor/persistence';
import { JOB_QUEUE, type JobQueue } from '@tailor/queue';
import type { Principal } from '../api-keys/principal';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { TAILOR_CONFIG } from '../tokens';
import { type CreateExport, downloadFileName, exportFormats } from './export-request';
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
    private readonly spaces: SearchSpacesService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  /** Validates the whole request before the first write, so a rejected one stores nothing. */
  async create(req: CreateExport, who: Principal | null) {
    const supernet = await this.supernets.get(req.supernet);
    if (!supernet) throw notFound('supernet', `no supernet ${req.supernet}`);
    if (supernet.status !== 'succeeded')
      throw new TailorError(
        'CONFLICT',
        `supernet ${supernet.id} is ${supernet.status}; only a succeeded supernet can be exported from`,
        'supernet',
      );
    if (!hasCheckpoint(supernet.checkpointDir))
      throw new TailorError(
        'UNPROCESSABLE',
        `supernet ${supernet.id} has no checkpoint in ${supernet.checkpointDir}`,
        'supernet',
      );
    const space = this.spaces.get(supernet.searchSpace, 'supernet');
    const arch = space.canonical(space.parse(req.arch, 'arch'));
    const formats = exportFormats(req.formats);
    const row = await this.exports.create(
      { supernetId: supernet.id, searchSpace: space.id, arch, formats, createdBy: who?.keyId ?? null },
      (id) => join(this.config.dataDir, 'exports', id),
    );
    try {
      await this.queue.add(EXPORT_JOB, { exportId: row.id }, { jobId: row.id, attempts: 1 });
    } catch (err) {
      await this.exports.remove(row.id);
      throw err;
    }
    this.log.log(`export ${row.id} queued (${arch}; ${formats.join(', ')}) from supernet ${supernet.id}`);
    return exportView(row);
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
