import type * as Tf from '@tensorflow/tfjs';
import type { TfjsBuilder } from '../runtimes/runtime';

/** Per-example input shape (NHWC) of tinyConvNet. */
export const TINY_CONV_INPUT: readonly number[] = [16, 16, 3];

/**
 * A small conv net (conv → conv → pool → dense) built with whichever tf namespace the runtime
 * loaded; deterministic glorot seeds keep the weights identical across runs.
 */
export const tinyConvNet: TfjsBuilder = (tf: typeof Tf) => {
  const seed = 7;
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [...TINY_CONV_INPUT],
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.conv2d({
        filters: 16,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
};
