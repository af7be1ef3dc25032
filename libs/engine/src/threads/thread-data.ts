import { type FashionMnist, loadFashionMnist } from '@tailor/nn';

/**
 * Fashion-MNIST for a job thread, with an error that names the setting to fix: a thread's failure
 * reaches the user as the job's error, far from the config that caused it.
 */
export function loadThreadFashionMnist(dir: string): FashionMnist {
  try {
    return loadFashionMnist({ dataDir: dir });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`Fashion-MNIST (TAILOR_FASHION_MNIST_DIR=${dir}): ${why}`, { cause: err });
  }
}
