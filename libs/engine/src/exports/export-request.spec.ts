import { archFileStem, downloadFileName, exportFormats } from './export-request';

describe('exportFormats', () => {
  it.each<[string, unknown, string[]]>([
    ['absent: every format', undefined, ['onnx', 'tfjs']],
    ['one format', ['tfjs'], ['tfjs']],
    ['both, in any order', ['tfjs', 'onnx'], ['onnx', 'tfjs']],
    ['a repeated format, once', ['onnx', 'onnx'], ['onnx']],
  ])('takes %s', (_, input, expected) => {
    expect(exportFormats(input)).toEqual(expected);
  });

  it.each<[string, string, unknown, RegExp]>([
    ['an empty list', 'formats', [], /non-empty list of onnx, tfjs, got \[\]/],
    ['a string', 'formats', 'onnx', /got "onnx"/],
    ['null', 'formats', null, /got null/],
    ['an unknown format', 'formats[1]', ['onnx', 'pytorch'], /one of onnx, tfjs, got "pytorch"/],
    ['a number', 'formats[0]', [1], /got 1/],
  ])('refuses %s, naming %s', (_, field, input, message) => {
    let error: { code?: string; field?: string; message?: string } | undefined;
    try {
      exportFormats(input);
    } catch (err) {
      error = err as typeof error;
    }
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field });
    expect(error!.message).toMatch(message);
  });
});

describe('archFileStem', () => {
  it.each([
    ['w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x', 'w0.75-d1111-ks3333-e2222'],
    [
      'w1.0-d3,3,3,3-ks7,7,7,5,5,5,3,3,3,7,5,3-e4,4,4,3,3,3,2,2,2,4,3,2',
      'w1.0-d3333-ks777555333753-e444333222432',
    ],
    // OFA's space has an elastic resolution; a multi-digit list keeps a separator.
    ['w1.0-r160-d2,2-ks3,x,7,x-e4,x,6,x', 'w1.0-r160-d22-ks37-e46'],
    ['w1.0-d2-ks11,13', 'w1.0-d2-ks11.13'],
  ])('shortens %s to %s', (canonical, stem) => {
    expect(archFileStem(canonical)).toBe(stem);
  });

  it('keeps only file-name-safe characters, at most 80 of them', () => {
    expect(archFileStem('|nor_conv_3x3~0|+|none~0|')).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(archFileStem(`w1.0-ks${'3,'.repeat(200)}3`)).toHaveLength(80);
  });
});

describe('downloadFileName', () => {
  it('is the arch stem and the first 8 characters of the id, .onnx or .tar', () => {
    const id = '5b0c8a52-3f0e-4d1a-9c61-2f3e9a0b7c11';
    const arch = 'w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x';
    expect(downloadFileName(arch, id, 'onnx')).toBe('w0.75-d1111-ks3333-e2222-5b0c8a52.onnx');
    expect(downloadFileName(arch, id, 'tfjs')).toBe('w0.75-d1111-ks3333-e2222-5b0c8a52.tar');
  });
});
