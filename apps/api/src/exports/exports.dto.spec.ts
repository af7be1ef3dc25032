import type { ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe } from '../http/validation';
import { CREATE_EXPORT_EXAMPLE, CreateExportDto, DownloadExportQuery } from './exports.dto';

const pipe = createValidationPipe();
const body: ArgumentMetadata = { type: 'body', metatype: CreateExportDto };
const query: ArgumentMetadata = { type: 'query', metatype: DownloadExportQuery };

/** The 400 body the pipe would answer with, or null when the input passes. */
async function refusal(value: unknown, meta = body): Promise<Record<string, unknown> | null> {
  try {
    await pipe.transform(value, meta);
    return null;
  } catch (err) {
    return (err as { getResponse(): Record<string, unknown> }).getResponse();
  }
}

describe('CreateExportDto', () => {
  it.each<[string, unknown]>([
    ['the documented example', CREATE_EXPORT_EXAMPLE],
    ['an arch alone', { arch: 'w1.0-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x' }],
    // The space parses the arch (and names a bad one); the DTO only requires it.
    ['a structured arch', { arch: { w: 1.0, d: [1, 1, 1, 1] }, formats: ['tfjs'] }],
  ])('lets %s through', async (_, value) => {
    expect(await refusal(value)).toBeNull();
  });

  it.each<[string, string, unknown]>([
    ['no arch', 'arch', { formats: ['onnx'] }],
    ['an empty formats list', 'formats', { arch: 'a', formats: [] }],
    ['an unknown format', 'formats', { arch: 'a', formats: ['onnx', 'pytorch'] }],
    ['formats as a string', 'formats', { arch: 'a', formats: 'onnx' }],
    ['three formats', 'formats', { arch: 'a', formats: ['onnx', 'tfjs', 'onnx'] }],
    ['an unknown field', 'opset', { arch: 'a', opset: 17 }],
  ])('refuses %s, naming %s', async (_, field, value) => {
    expect(await refusal(value)).toMatchObject({ statusCode: 400, code: 'INVALID_ARGUMENT', field });
  });
});

describe('DownloadExportQuery', () => {
  it.each(['onnx', 'tfjs'])('accepts format=%s', async (format) => {
    expect(await refusal({ format }, query)).toBeNull();
  });

  it.each<[string, Record<string, unknown>]>([
    ['no format', {}],
    ['an unknown format', { format: 'pt' }],
    ['a repeated format', { format: ['onnx', 'tfjs'] }],
  ])('refuses %s, naming format', async (_, value) => {
    expect(await refusal(value, query)).toMatchObject({ statusCode: 400, field: 'format' });
  });
});
