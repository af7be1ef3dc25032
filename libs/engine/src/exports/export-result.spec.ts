import { type ExportResult, verificationProblem } from './export-result';

const file = { name: 'f', bytes: 1, sha256: '0' };
const result = (
  subnet: number,
  onnx: number | null,
  tfjs: number | null,
  maxAbsDiff = 1e-6,
): ExportResult => ({
  params: 0.1,
  flops: 2,
  calibration: { images: 2000, seed: 0 },
  testImages: 10_000,
  subnetAccuracy: subnet,
  maxAbsDiff,
  ...(onnx === null ? {} : { onnx: { opset: 13, files: [file], accuracy: onnx } }),
  ...(tfjs === null ? {} : { tfjs: { files: [file], archive: file, accuracy: tfjs } }),
  latency: null,
  seconds: 1,
});

describe('verificationProblem', () => {
  it.each<[string, ExportResult]>([
    ['identical accuracies', result(0.8123, 0.8123, 0.8123)],
    ['exactly 0.1 points apart (10 of 10,000 images)', result(0.8123, 0.8133, 0.8113)],
    ['an outputs difference of exactly 1e-4', result(0.8, 0.8, 0.8, 1e-4)],
    ['a single format', result(0.8, null, 0.8)],
  ])('passes %s', (_, r) => {
    expect(verificationProblem(r)).toBeNull();
  });

  it.each<[string, ExportResult, RegExp]>([
    [
      'ONNX 0.11 points off',
      result(0.8123, 0.8134, 0.8123),
      /ONNX accuracy 81\.34 % differs from the subnet's 81\.23 % by 0\.11 points/,
    ],
    ['TF.js 0.2 points below', result(0.8123, 0.8123, 0.8103), /TF\.js accuracy 81\.03 %/],
    [
      'outputs 2e-4 apart',
      result(0.8, 0.8, 0.8, 2e-4),
      /outputs differ by up to 0\.0002 \(at most 0\.0001 allowed\)/,
    ],
    ['a NaN difference', result(0.8, 0.8, 0.8, Number.NaN), /outputs differ by up to NaN/],
  ])('fails %s, saying why', (_, r, message) => {
    expect(verificationProblem(r)).toMatch(/^verification failed: /);
    expect(verificationProblem(r)).toMatch(message);
  });

  it('lists every problem at once', () => {
    expect(verificationProblem(result(0.8, 0.7, 0.9, 1))!.split('; ')).toHaveLength(3);
  });
});
