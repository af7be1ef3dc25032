import type { DefinitionReader, RgbSpaceHeader } from '../definition-reader';

/** HW-NAS-Bench's PRIMITIVES, in the order the op indices of its (and HELP's) archs refer to. */
export const FBNET_OPS = [
  'k3_e1',
  'k3_e1_g2',
  'k3_e3',
  'k3_e6',
  'k5_e1',
  'k5_e1_g2',
  'k5_e3',
  'k5_e6',
  'skip',
] as const;
export type FbnetOp = (typeof FBNET_OPS)[number];

export type FbnetOpSpec =
  | {
      readonly name: FbnetOp;
      readonly type: 'mbconv';
      readonly kernel: number;
      readonly expansion: number;
      readonly groups: number;
    }
  | { readonly name: FbnetOp; readonly type: 'skip' };

export interface FbnetLayer {
  readonly in: number;
  readonly out: number;
  readonly stride: number;
}

export interface FbnetDefinition extends RgbSpaceHeader {
  readonly stem: { readonly kernel: number; readonly stride: number; readonly channels: number };
  readonly ops: readonly FbnetOpSpec[];
  readonly layers: readonly FbnetLayer[];
  readonly header: { readonly kernel: number; readonly channels: number };
}

const opName = (kernel: number, expansion: number, groups: number): string =>
  `k${kernel}_e${expansion}${groups > 1 ? `_g${groups}` : ''}`;

function readOp(reader: DefinitionReader, i: number): FbnetOpSpec {
  const at = `ops[${i}]`;
  const name = reader.string(`${at}.name`, [FBNET_OPS[i]]) as FbnetOp;
  const type = reader.string(`${at}.type`, name === 'skip' ? ['skip'] : ['mbconv']);
  if (type === 'skip') return { name, type: 'skip' };
  const kernel = reader.number(`${at}.kernel`, { integer: true, min: 1 });
  if (kernel % 2 === 0) reader.fail(`${at}.kernel`, 'must be odd', kernel);
  const expansion = reader.number(`${at}.expansion`, { integer: true, min: 1 });
  const groups = reader.number(`${at}.groups`, { integer: true, min: 1 });
  // The name is the public identity of the op; it must describe the block it builds.
  if (opName(kernel, expansion, groups) !== name) {
    reader.fail(at, `builds ${opName(kernel, expansion, groups)}, which does not match its name`, name);
  }
  return { name, type: 'mbconv', kernel, expansion, groups };
}

/** Validates `search-spaces/fbnet.json`: op list pinned to HW-NAS-Bench's, layer chain consistent. */
export function readFbnetDefinition(reader: DefinitionReader): FbnetDefinition {
  reader.array('ops', { length: FBNET_OPS.length });
  const ops = FBNET_OPS.map((_, i) => readOp(reader, i));

  const header = reader.rgbSpaceHeader();
  const stem = {
    kernel: reader.number('stem.kernel', { integer: true, min: 1 }),
    stride: reader.number('stem.stride', { integer: true, min: 1, max: 2 }),
    channels: reader.number('stem.channels', { integer: true, min: 1 }),
  };
  let channels = stem.channels;
  const layers = reader.array('layers', { minLength: 1 }).map((_, i) => {
    const at = `layers[${i}]`;
    const layer = {
      in: reader.number(`${at}.in`, { integer: true, min: 1 }),
      out: reader.number(`${at}.out`, { integer: true, min: 1 }),
      stride: reader.number(`${at}.stride`, { integer: true, min: 1, max: 2 }),
    };
    if (layer.in !== channels)
      reader.fail(`${at}.in`, `must equal the previous output channels (${channels})`, layer.in);
    // Grouped 1x1 convs split both the input (expanded) and output channels in two.
    if (layer.in % 2 !== 0 || layer.out % 2 !== 0)
      reader.fail(`${at}.out`, 'channels must be even (g2 ops)', layer);
    channels = layer.out;
    return layer;
  });
  return {
    ...header,
    stem,
    ops,
    layers,
    header: {
      kernel: reader.number('header.kernel', { integer: true, min: 1 }),
      channels: reader.number('header.channels', { integer: true, min: 1 }),
    },
  };
}
