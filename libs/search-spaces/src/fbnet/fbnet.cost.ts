import { CostCounter } from '../cost-counter';
import type { FbnetDefinition, FbnetOpSpec } from './fbnet.definition';

/** HW-NAS-Bench's ConvNorm/ConvBlock padding: ceil((k - s) / 2), so H_out = H_in / s. */
const padding = (kernel: number, stride: number): number => Math.ceil((kernel - stride) / 2);

/**
 * Analytic cost of an FBNet network (HW-NAS-Bench's FBNet_Infer), counted with CostCounter's
 * NAS-Bench-201 convention. `ops[i]` is the op spec chosen for layer i.
 */
export function fbnetCost(ops: readonly FbnetOpSpec[], def: FbnetDefinition): CostCounter {
  const counter = new CostCounter();
  const { stem, header } = def;
  let [h, w] = def.inputShape;
  ({ h, w } = counter.conv(
    {
      cin: def.inputShape[2],
      cout: stem.channels,
      kernel: stem.kernel,
      stride: stem.stride,
      padding: 1,
      bn: true,
    },
    h,
    w,
  ));
  def.layers.forEach((layer, i) => {
    const op = ops[i];
    if (op.type === 'skip') {
      // Identity unless the shape changes; then conv1x1 (stride s) + BN + ReLU.
      if (layer.stride !== 1 || layer.in !== layer.out) {
        ({ h, w } = counter.conv(
          { cin: layer.in, cout: layer.out, kernel: 1, stride: layer.stride, padding: 0, bn: true },
          h,
          w,
        ));
      }
      return;
    }
    const mid = layer.in * op.expansion;
    counter.conv({ cin: layer.in, cout: mid, kernel: 1, padding: 0, groups: op.groups, bn: true }, h, w);
    ({ h, w } = counter.conv(
      {
        cin: mid,
        cout: mid,
        kernel: op.kernel,
        stride: layer.stride,
        padding: padding(op.kernel, layer.stride),
        groups: mid,
        bn: true,
      },
      h,
      w,
    ));
    counter.conv({ cin: mid, cout: layer.out, kernel: 1, padding: 0, groups: op.groups, bn: true }, h, w);
  });
  const last = def.layers[def.layers.length - 1].out;
  counter.conv(
    { cin: last, cout: header.channels, kernel: header.kernel, padding: padding(header.kernel, 1), bn: true },
    h,
    w,
  );
  counter.linear(header.channels, def.numClasses);
  return counter;
}
