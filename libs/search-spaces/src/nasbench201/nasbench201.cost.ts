import { CostCounter } from '../cost-counter';
import type { Nasbench201Arch } from './nasbench201.arch';
import { NB201_EDGES } from './nasbench201.definition';

export interface Nasbench201Macro {
  /** [H, W, C] of the input. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly stemChannels: number;
  readonly stages: readonly { readonly channels: number; readonly cells: number }[];
}

/** NAS-Bench-201's CIFAR-10 skeleton (TinyNetwork with C=16, N=5, 10 classes). */
export const NB201_CIFAR10_MACRO: Nasbench201Macro = {
  inputShape: [32, 32, 3],
  numClasses: 10,
  stemChannels: 16,
  stages: [
    { channels: 16, cells: 5 },
    { channels: 32, cells: 5 },
    { channels: 64, cells: 5 },
  ],
};

/**
 * Analytic cost of a whole NAS-Bench-201 network, counted like the benchmark's `flops`/`params` columns
 * (see CostCounter): all six edges are counted even when an op's output is cut off by `none` edges,
 * because the benchmark's InferCell still runs them.
 */
export function nasbench201Cost(
  arch: Nasbench201Arch,
  macro: Nasbench201Macro = NB201_CIFAR10_MACRO,
): CostCounter {
  const counter = new CostCounter();
  let [h, w] = macro.inputShape;
  // Stem: conv3x3 (pad 1, no bias) + BN.
  ({ h, w } = counter.conv(
    { cin: macro.inputShape[2], cout: macro.stemChannels, kernel: 3, bn: true },
    h,
    w,
  ));
  let channels = macro.stemChannels;
  macro.stages.forEach((stage, s) => {
    if (s > 0) {
      // ResNet basic block, stride 2: ReLU-conv3x3(s2)-BN, ReLU-conv3x3-BN; shortcut avgpool2x2 + conv1x1.
      const half = counter.conv(
        { cin: channels, cout: stage.channels, kernel: 3, stride: 2, bn: true },
        h,
        w,
      );
      counter.conv({ cin: stage.channels, cout: stage.channels, kernel: 3, bn: true }, half.h, half.w);
      counter.conv({ cin: channels, cout: stage.channels, kernel: 1 }, half.h, half.w);
      ({ h, w } = half);
      channels = stage.channels;
    }
    for (let cell = 0; cell < stage.cells; cell++) {
      NB201_EDGES.forEach((_, e) => {
        const op = arch[e];
        // nor_conv_KxK = ReLU-conv(K, pad (K-1)/2)-BN; none/skip/avg_pool have no params or counted flops.
        if (op === 'nor_conv_1x1' || op === 'nor_conv_3x3') {
          counter.conv(
            { cin: channels, cout: channels, kernel: op === 'nor_conv_1x1' ? 1 : 3, bn: true },
            h,
            w,
          );
        }
      });
    }
  });
  // lastact BN-ReLU, global average pool, linear classifier.
  counter.batchNorm(channels);
  counter.linear(channels, macro.numClasses);
  return counter;
}
