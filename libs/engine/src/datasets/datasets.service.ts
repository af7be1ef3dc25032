import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TailorError } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import { parseDatasetFile } from '@tailor/datasets';
import { DatasetsRepository } from '@tailor/persistence';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { TAILOR_CONFIG } from '../tokens';

export interface ImportedDataset {
  readonly id: string;
  readonly kind: 'latency' | 'accuracy';
  readonly searchSpace: string;
  readonly fileName: string | null;
  readonly sha256: string;
  readonly archs: number;
  readonly duplicates: number;
  /** Devices (latency) or datasets (accuracy) the file brought. */
  readonly tables: string[];
  readonly createdAt: Date;
}

/**
 * Imports user-brought latency and accuracy tables. The whole file is parsed and validated before
 * anything is written, and the write is one transaction: a bad file leaves the database untouched.
 */
@Injectable()
export class DatasetsService {
  private readonly log = new Logger('Datasets');

  constructor(
    private readonly datasets: DatasetsRepository,
    private readonly spaces: SearchSpacesService,
    @Inject(TAILOR_CONFIG) private readonly config: TailorConfig,
  ) {}

  async import(content: Buffer, fileName: string | null, createdBy: string | null): Promise<ImportedDataset> {
    if (content.length === 0) throw new TailorError('INVALID_ARGUMENT', 'the uploaded file is empty', 'file');
    if (content.length > this.config.limits.maxUploadBytes)
      throw new TailorError(
        'PAYLOAD_TOO_LARGE',
        `is over ${this.config.limits.maxUploadBytes} bytes`,
        'file',
      );
    const sha256 = createHash('sha256').update(content).digest('hex');
    const parsed = parseDatasetFile(content, (id) => this.spaces.get(id, 'searchSpace'), {
      fileName: fileName ?? undefined,
    });
    const base = {
      kind: parsed.kind,
      searchSpace: parsed.searchSpace,
      fileName,
      sha256,
      archKeys: parsed.archKeys,
      summary: { ...parsed.summary, duplicates: parsed.duplicates },
      createdBy,
    };
    let row: { id: string; createdAt: Date };
    let tables: string[];
    if (parsed.kind === 'latency') {
      tables = parsed.devices.map((d) => d.id);
      row = await this.datasets.importLatency(
        {
          ...base,
          // Kept for predictor meta-training: which archs embed a device, and the file's device roles.
          referenceArchKeys: parsed.referenceArchIndices.length
            ? parsed.referenceArchIndices.map((i) => parsed.archKeys[i])
            : null,
          splits: parsed.splits ?? null,
          protocolRanges: parsed.protocolRanges ?? null,
        },
        parsed.devices.map((d) => ({
          id: d.id,
          hardware: d.hardware,
          info: { ...d.info, batchSize: d.batchSize },
          values: d.values,
        })),
      );
    } else {
      tables = parsed.metrics.map((m) => m.dataset);
      row = await this.datasets.importAccuracy(
        base,
        parsed.metrics.map((m) => ({ dataset: m.dataset, values: m.values, unit: parsed.unit })),
      );
    }
    this.log.log(
      `imported ${parsed.kind} table ${fileName ?? ''} (${parsed.searchSpace}: ${tables.join(', ')})`,
    );
    return {
      id: row.id,
      kind: parsed.kind,
      searchSpace: parsed.searchSpace,
      fileName,
      sha256,
      archs: parsed.archKeys.length,
      duplicates: parsed.duplicates,
      tables,
      createdAt: row.createdAt,
    };
  }

  async list() {
    return this.datasets.list();
  }
}
