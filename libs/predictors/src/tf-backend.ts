import * as tf from '@tensorflow/tfjs';

/**
 * Picks the fastest tfjs backend this process can load, once: tfjs-node (native libtensorflow) when it
 * is installed, else WebAssembly (XNNPACK), else the pure-JS CPU backend. A process that already chose a
 * backend (the measurement runtimes set theirs) keeps it: tfjs backends are process-global.
 */
let chosen: Promise<string> | undefined;

export function ensureTrainingBackend(): Promise<string> {
  chosen ??= choose();
  return chosen;
}

async function choose(): Promise<string> {
  const current = tf.getBackend();
  if (current === 'tensorflow' || current === 'wasm') return current;
  try {
    // Optional: cannot install on machines without internet (its install script downloads libtensorflow).
    require('@tensorflow/tfjs-node');
    if (await tf.setBackend('tensorflow')) return 'tensorflow';
  } catch {
    // not installed: fall through to wasm
  }
  require('@tensorflow/tfjs-backend-wasm');
  if (await tf.setBackend('wasm')) {
    await tf.ready();
    return 'wasm';
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

export { tf };
