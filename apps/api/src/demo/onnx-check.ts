import { performance } from 'node:perf_hooks';
import { type ImageSet, makeBatch, top1Correct } from '@tailor/nn';

export interface OnnxCheck {
  readonly accuracy: number;
  readonly images: number;
  /** Median of `runs` single-image inferences in this process (onnxruntime, 1 thread). */
  readonly medianMs: number;
  readonly runs: number;
}

/**
 * What a user does with the downloaded file: load it with onnxruntime, classify the whole test set, and
 * time single-image inference. Nothing of Tailor's own evaluation is reused but the image decoding.
 */
export async function checkOnnxFile(file: string, test: ImageSet, runs = 200): Promise<OnnxCheck> {
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const session = await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  let correct = 0;
  const chunk = 500;
  for (let start = 0; start < test.count; start += chunk) {
    const idx = Array.from({ length: Math.min(chunk, test.count - start) }, (_, i) => start + i);
    const b = makeBatch(test, idx);
    const out = await session.run({ [input]: new ort.Tensor('float32', b.x, [...b.shape]) });
    correct += top1Correct(out[output].data as Float32Array, 10, b.labels);
  }
  const one = makeBatch(test, [0]);
  const feeds = { [input]: new ort.Tensor('float32', one.x, [...one.shape]) };
  for (let i = 0; i < 20; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  await session.release();
  return { accuracy: correct / test.count, images: test.count, medianMs: times[runs >> 1], runs };
}
