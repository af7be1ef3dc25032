import { evaluateRecalibrated, loadSupernet } from '@tailor/nn';
import { ensureTrainingBackend } from '@tailor/predictors';
import { type ElasticSpace, SearchSpaceRegistry } from '@tailor/search-spaces';
import { loadThreadFashionMnist } from '../threads/thread-data';
import { runInThread, type ThreadRun } from '../threads/worker-thread';

/** Plain data, since it crosses into a worker thread by structured clone. */
export interface SubnetValidationInput {
  readonly searchSpacesDir: string;
  readonly spaceId: string;
  readonly fashionMnistDir: string;
  readonly checkpointDir: string;
  readonly archs: readonly string[];
  readonly calibrationImages: number;
  readonly validationImages: number;
  readonly seed: number;
}

/**
 * The candidates' validation accuracy (fractions, in order) as the accuracy predictor's training data
 * was scored: BN recalibrated on training images, then the first `validationImages` of the validation
 * split (never the test set, which stays for the export's final report).
 */
export async function validateSubnets(
  input: SubnetValidationInput,
  onProgress: (done: number) => void,
): Promise<number[]> {
  await ensureTrainingBackend();
  const space = SearchSpaceRegistry.load(input.searchSpacesDir).get(input.spaceId) as ElasticSpace<unknown>;
  const data = loadThreadFashionMnist(input.fashionMnistDir);
  const net = loadSupernet(space, input.checkpointDir);
  try {
    const out: number[] = [];
    for (const key of input.archs) {
      const r = await evaluateRecalibrated(net, space.parse(key), data.train, data.validation, {
        calibrationImages: input.calibrationImages,
        limit: input.validationImages,
        seed: input.seed,
      });
      out.push(r.accuracy);
      onProgress(out.length);
    }
    return out;
  } finally {
    net.dispose();
  }
}

/** validateSubnets in a worker thread: seconds of tensor work per subnet, off the API's event loop. */
export function validateSubnetsInThread(
  input: SubnetValidationInput,
  onProgress: (done: number) => void,
): ThreadRun<number[]> {
  return runInThread(__dirname, 'subnet-validation-worker', input, onProgress);
}
