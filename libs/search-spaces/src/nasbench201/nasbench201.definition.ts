import type { DefinitionReader, RgbSpaceHeader } from '../definition-reader';

/** The benchmark's op list, in the order its index order and our one-hot encoding depend on. */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nasbench201Op = (typeof NB201_OPS)[number];

/** Edge `i` of the arch string: node `to` receives op(node `from`). */
export const NB201_EDGES: readonly { readonly to: number; readonly from: number }[] = [
  { to: 1, from: 0 },
  { to: 2, from: 0 },
  { to: 2, from: 1 },
  { to: 3, from: 0 },
  { to: 3, from: 1 },
  { to: 3, from: 2 },
];

export interface Nasbench201Definition extends RgbSpaceHeader {
  readonly shuffleSeed: number;
  readonly stemChannels: number;
  readonly stages: readonly { readonly channels: number; readonly cells: number }[];
}

/**
 * Validates `search-spaces/nasbench201.json`. The ops, edges and shuffle seed are pinned to the
 * benchmark's: changing them would silently break the official index order and every stored index.
 */
export function readNasbench201Definition(reader: DefinitionReader): Nasbench201Definition {
  const ops = reader.strings('ops', { length: NB201_OPS.length, unique: true });
  ops.forEach((op, i) => {
    if (op !== NB201_OPS[i])
      reader.fail(`ops[${i}]`, `must be ${JSON.stringify(NB201_OPS[i])} (benchmark order)`, op);
  });
  reader.array('edges', { length: NB201_EDGES.length });
  NB201_EDGES.forEach((edge, i) => {
    reader.number(`edges[${i}].to`, { integer: true, min: edge.to, max: edge.to });
    reader.number(`edges[${i}].from`, { integer: true, min: edge.from, max: edge.from });
  });
  reader.string('indexOrder.method', ['python-random-shuffle']);
  const shuffleSeed = reader.number('indexOrder.seed', { integer: true, min: 88, max: 88 });

  const header = reader.rgbSpaceHeader();
  const stemChannels = reader.number('macro.stem.channels', { integer: true, min: 1 });
  reader.number('macro.stem.kernel', { integer: true, min: 3, max: 3 });
  const stages = reader.array('macro.stages', { minLength: 1 }).map((_, i) => ({
    channels: reader.number(`macro.stages[${i}].channels`, { integer: true, min: 1 }),
    cells: reader.number(`macro.stages[${i}].cells`, { integer: true, min: 1 }),
  }));
  if (stages[0].channels !== stemChannels) {
    reader.fail(
      'macro.stages[0].channels',
      `must equal macro.stem.channels (${stemChannels})`,
      stages[0].channels,
    );
  }
  return {
    ...header,
    shuffleSeed,
    stemChannels,
    stages,
  };
}
