/** Small valid tables for tests; each call returns a fresh copy that a test may corrupt. */
export const NB201_ARCHS = [
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
  '|skip_connect~0|+|none~0|avg_pool_3x3~1|+|nor_conv_1x1~0|none~1|skip_connect~2|',
];

export function latencySample(): Record<string, unknown> & {
  archs: unknown[];
  devices: Record<string, unknown[]>;
  deviceInfo: Record<string, Record<string, unknown>>;
} {
  return {
    schemaVersion: 1,
    searchSpace: 'nasbench201',
    latencyUnit: 'ms',
    numArchs: 4,
    archs: [...NB201_ARCHS],
    hardwareEmbeddingIndex: [3, 0],
    splits: { metaTrain: ['pixel3'], metaValid: ['1080ti_1'], metaTest: ['raspi4'], unassigned: [] },
    devicesInThisFile: ['pixel3', '1080ti_1'],
    devices: { pixel3: [3.6, 17.2, 0.003, 9], '1080ti_1': [10.7, 12.9, 1.5, 8.25] },
    deviceInfo: {
      pixel3: { hardware: 'Google Pixel 3', batchSize: null, valueType: 'float ms' },
      '1080ti_1': { hardware: 'NVIDIA GTX 1080 Ti', batchSize: 1 },
    },
  };
}

export function accuracySample(): Record<string, unknown> & {
  archs: unknown[];
  accuracy: Record<string, unknown[]>;
} {
  return {
    schemaVersion: 1,
    searchSpace: 'nasbench201',
    unit: 'percent top-1 test accuracy',
    archs: [...NB201_ARCHS],
    accuracy: { cifar10: [85.86, 93.66, 10, 0], cifar100: [52.9, 70.3, 1, 100] },
  };
}

/** An OFA config of stage depths `d`; `fill` sets the (possibly inactive) kernel sizes. */
export function ofaArch(d: number[], fill = 3): { ks: number[]; e: number[]; d: number[]; r: number } {
  return { ks: new Array<number>(20).fill(fill), e: new Array<number>(20).fill(4), d, r: 160 };
}
