import {
  DefinitionReader,
  NB201_EDGES,
  type Nasbench201Arch,
  type Nasbench201Op,
  readNasbench201Definition,
} from '@tailor/search-spaces';
import type { GraphBuilder } from '../graph-builder';

/** NAS-Bench-201 ReLUConvBN: ReLU → conv (pad (k−1)/2, no bias) → BN. */
function reluConvBn(b: GraphBuilder, x: string, cout: number, kernel: number, stride = 1): string {
  return b.batchNorm(b.conv(b.unary('relu', x), { cout, kernel, stride }));
}

function edgeOp(b: GraphBuilder, op: Nasbench201Op, x: string): string {
  const c = b.channels(x);
  switch (op) {
    // `none` is materialised as x·0 (PyTorch's Zero op) rather than dropped: it keeps every edge's
    // source connected, so ops feeding only `none` edges still exist, as in the benchmark's InferCell
    // (whose params the space's cost model counts).
    case 'none':
      return b.unary('zero', x);
    case 'skip_connect':
      return x;
    case 'nor_conv_1x1':
      return reluConvBn(b, x, c, 1);
    case 'nor_conv_3x3':
      return reluConvBn(b, x, c, 3);
    case 'avg_pool_3x3':
      return b.avgPool(x, 3, 1, 1);
  }
}

/**
 * TinyNetwork (xautodl) for one NB201 cell: stem conv3x3+BN, 3 stages of N cells separated by
 * ResNet basic blocks (stride 2), then BN-ReLU, global pool and the linear classifier.
 */
export function buildNasbench201(
  b: GraphBuilder,
  definition: Readonly<Record<string, unknown>>,
  arch: Nasbench201Arch,
  opts: { resolution?: number; numClasses?: number },
): { output: string; inputShape: [number, number, number]; numClasses: number } {
  const macro = readNasbench201Definition(new DefinitionReader('nasbench201', definition));
  const size = opts.resolution ?? macro.inputShape[0];
  const inputShape: [number, number, number] = [size, size, macro.inputShape[2]];
  const numClasses = opts.numClasses ?? macro.numClasses;

  b.scope = 'stem';
  let x = b.batchNorm(b.conv(b.input(inputShape), { cout: macro.stemChannels, kernel: 3 }));
  macro.stages.forEach((stage, s) => {
    if (s > 0) {
      b.scope = `reduce${s}`;
      let y = reluConvBn(b, x, stage.channels, 3, 2);
      y = reluConvBn(b, y, stage.channels, 3);
      const shortcut = b.conv(b.avgPool(x, 2, 2, 0), { cout: stage.channels, kernel: 1, pad: 0 });
      x = b.add([shortcut, y]);
    }
    for (let cell = 0; cell < stage.cells; cell++) {
      const nodes = [x];
      NB201_EDGES.forEach((edge, e) => {
        b.scope = `s${s}_c${cell}_e${e}`;
        const out = edgeOp(b, arch[e], nodes[edge.from]);
        // Edges are listed grouped by target node, so a node is complete before any edge reads it.
        nodes[edge.to] = nodes[edge.to] === undefined ? out : b.add([nodes[edge.to], out]);
      });
      x = nodes[nodes.length - 1];
    }
  });
  b.scope = 'head';
  x = b.unary('relu', b.batchNorm(x));
  const output = b.linear(b.flatten(b.globalAvgPool(x)), numClasses);
  return { output, inputShape, numClasses };
}
