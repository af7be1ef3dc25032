import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { TailorError } from '@tailor/common';

export interface UploadedJsonFile {
  buffer: Buffer;
  originalname: string;
}

/**
 * One JSON file in multipart field `file`, at most `maxBytes`, documented for Swagger with a curl line.
 * Shared by the upload routes (datasets, predictor files).
 */
export function FileUpload(maxBytes: number, curl: string) {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary' } },
      },
      examples: { upload: { summary: curl, value: { file: '(binary)' } } },
    }),
    UseInterceptors(FileInterceptor('file', { limits: { fileSize: maxBytes, files: 1 } })),
  );
}

/** The uploaded file, or a 400 naming `file` that says what to send. */
export function requireFile(file: UploadedJsonFile | undefined, what: string): UploadedJsonFile {
  if (!file)
    throw new TailorError('INVALID_ARGUMENT', `is required: send ${what} as multipart field "file"`, 'file');
  return file;
}
