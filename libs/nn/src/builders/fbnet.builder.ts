import {
  DefinitionReader,
  type FbnetArch,
  type FbnetDefinition,
  type FbnetOpSpec,
  readFbnetDefinition,
} from '@tailor/search-spaces';
import type { GraphBuilder } from '../graph-builder';

/** HW-NAS-Bench's ConvNorm/ConvBlock padding: ceil((k − s) / 2), so H_out = H_in / s. */
const padding = (kernel: number, stride: number): number => Math.ceil((kernel - stride) / 2);

function block(
  b: GraphBuilder,
  x: string,
  op: FbnetOpSpec,
  cin: number,
  cout: number,
  stride: number,
): string {
  if (op.type === 'skip') {
    if (stride === 1 && cin === cout) return x;
    return b.convBnAct(x, { cout, kernel: 1, stride, pad: 0 }, 'relu');
  }
  const mid = cin * op.expansion;
  let y = b.convBnAct(x, { cout: mid, kernel: 1, pad: 0, groups: op.groups }, 'relu');
  if (op.groups > 1) y = b.channelShuffle(y, op.groups);
  y = b.convBnAct(
    y,
    { cout: mid, kernel: op.kernel, stride, pad: padding(op.kernel, stride), groups: mid },
    'relu',
  );
  y = b.batchNorm(b.conv(y, { cout, kernel: 1, pad: 0, groups: op.groups }));
  return stride === 1 && cin === cout ? b.add([y, x]) : y;
}

/** HW-NAS-Bench's FBNet_Infer (CIFAR settings from the space definition). */
export function buildFbnet(
  b: GraphBuilder,
  definition: Readonly<Record<string, unknown>>,
  arch: FbnetArch,
  opts: { resolution?: number; numClasses?: number },
): { output: string; inputShape: [number, number, number]; numClasses: number } {
  const def: FbnetDefinition = readFbnetDefinition(new DefinitionReader('fbnet', definition));
  const size = opts.resolution ?? def.inputShape[0];
  const inputShape: [number, number, number] = [size, size, def.inputShape[2]];
  const numClasses = opts.numClasses ?? def.numClasses;
  const specs = new Map(def.ops.map((op) => [op.name, op]));

  b.scope = 'stem';
  const { stem, header } = def;
  let x = b.convBnAct(
    b.input(inputShape),
    { cout: stem.channels, kernel: stem.kernel, stride: stem.stride, pad: 1 },
    'relu',
  );
  def.layers.forEach((layer, i) => {
    b.scope = `layer${i}`;
    const op = specs.get(arch[i]);
    if (!op) throw new Error(`unknown fbnet op ${arch[i]} at layer ${i}`);
    x = block(b, x, op, layer.in, layer.out, layer.stride);
  });
  b.scope = 'head';
  x = b.convBnAct(
    x,
    { cout: header.channels, kernel: header.kernel, pad: padding(header.kernel, 1) },
    'relu',
  );
  const output = b.linear(b.flatten(b.globalAvgPool(x)), numClasses);
  return { output, inputShape, numClasses };
}
