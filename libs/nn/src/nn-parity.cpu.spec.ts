import * as tf from '@tensorflow/tfjs';
import { buildNetwork } from './build-network';
import { parameterCount } from './ir';
import { describeParity, loadSpaces, parity } from './testing/parity';

/**
 * Targeted archs on the pure-JS cpu backend, chosen to hit every op and padding case: all five NB201
 * ops; every FBNet block type incl. grouped (g2 + channel shuffle), k5 at stride 2 (pad 2) and a skip
 * that must downsample; fmnist-mbv3 with SE and h_swish.
 */
const registry = loadSpaces();

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

const cases: { id: string; arch: unknown; resolution?: number }[] = [
  {
    id: 'nasbench201',
    arch: '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|',
    resolution: 16,
  },
  { id: 'nasbench201', arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', resolution: 8 },
  {
    id: 'fbnet',
    // Layers 5, 9 and 17 have stride 2: a k5 op, a skip (→ 1×1 conv s2) and a k5 g2 op sit there.
    arch: 'k3_e1-k3_e1_g2-k3_e3-k3_e6-k5_e1-k5_e6-skip-k5_e3-k5_e1_g2-skip-skip-k3_e1-k3_e6-k3_e1_g2-skip-k5_e6-k3_e1-k5_e1_g2-k3_e3-skip-k3_e1-k5_e3',
    resolution: 16,
  },
  { id: 'fmnist-mbv3', arch: 'w0.75-d3,3,3,3-ks3,5,7,3,5,7,3,5,7,3,5,7-e2,3,4,4,3,2,2,3,4,4,3,2' },
];

describe.each(cases)('$id $arch (cpu)', ({ id, arch: text, resolution }) => {
  const space = registry.get(id);
  const arch = space.parse(text);
  const graph = buildNetwork(space, arch, { seed: 3, resolution });

  it('matches onnxruntime within 1e-4 and counts the space’s parameters', async () => {
    expect(parameterCount(graph)).toBe(Math.round(space.params(arch) * 1e6));
    const r = await parity(graph, 3);
    console.log(describeParity(id, graph, r, 'cpu'));
    expect(r.onnxDims).toEqual([3, graph.numClasses]);
    expect(r.maxAbs).toBeLessThan(1e-4);
    expect(r.leakedTensors).toBe(0);
  }, 60_000);
});
