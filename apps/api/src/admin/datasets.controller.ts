import { Controller, Get, Post, UploadedFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DatasetsService, type Principal } from '@tailor/engine';
import { AdminOnly, CurrentPrincipal } from '../http/auth';
import { FileUpload, requireFile } from '../http/file-upload';

export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

@ApiTags('datasets')
@ApiBearerAuth()
@Controller('datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  /**
   * Import a latency table (HELP schema: each device becomes a recorded device) or an accuracy table
   * (NAS-Bench-201 accuracy schema). The file is validated whole; a bad file changes nothing.
   */
  @Post()
  @AdminOnly()
  @FileUpload(MAX_UPLOAD_BYTES, 'curl -F file=@../shared/data/help/nasbench201.json')
  upload(
    @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined,
    @CurrentPrincipal() who: Principal,
  ) {
    const upload = requireFile(file, 'the table');
    return this.datasets.import(upload.buffer, upload.originalname || null, who.keyId);
  }

  /** Imported tables. */
  @Get()
  list() {
    return this.datasets.list();
  }
}
