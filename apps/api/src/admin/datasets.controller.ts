import { Controller, Get, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { TailorError } from '@tailor/common';
import { DatasetsService, type Principal } from '@tailor/engine';
import { AdminOnly, CurrentPrincipal } from '../http/auth';

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
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
    examples: {
      latency: { summary: 'curl -F file=@../shared/data/help/nasbench201.json', value: { file: '(binary)' } },
    },
  })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }))
  upload(
    @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined,
    @CurrentPrincipal() who: Principal,
  ) {
    if (!file)
      throw new TailorError(
        'INVALID_ARGUMENT',
        'is required: send the table as multipart field "file"',
        'file',
      );
    return this.datasets.import(file.buffer, file.originalname || null, who.keyId);
  }

  /** Imported tables. */
  @Get()
  list() {
    return this.datasets.list();
  }
}
