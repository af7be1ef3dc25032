import type { LayerDesc, MbConvLayerDesc } from '@tailor/search-spaces';
import type { GraphBuilder } from '../graph-builder';

/** OFA MBConv: [1×1 expand + BN + act] → k×k depthwise + BN + act → [SE] → 1×1 project + BN (+ identity). */
function mbConv(b: GraphBuilder, x: string, layer: MbConvLayerDesc): string {
  let y = x;
  if (layer.expandRatio !== 1) {
    y = b.convBnAct(y, { cout: layer.midChannels, kernel: 1 }, layer.activation);
  }
  y = b.convBnAct(
    y,
    { cout: layer.midChannels, kernel: layer.kernel, stride: layer.stride, groups: layer.midChannels },
    layer.activation,
  );
  if (layer.se) y = b.squeezeExcite(y, layer.seChannels);
  y = b.batchNorm(b.conv(y, { cout: layer.outChannels, kernel: 1 }));
  return layer.residual ? b.add([y, x]) : y;
}

/**
 * Builds the concrete layer list of an elastic MBConv subnet (`describeLayers(arch)`), i.e. exactly the
 * structure the space's mbconv-cost model counts. Padding is k // 2 on every side (OFA's `same`).
 */
export function buildMbconv(
  b: GraphBuilder,
  layers: readonly LayerDesc[],
  inputChannels: number,
  opts: { numClasses?: number },
): { output: string; inputShape: [number, number, number]; numClasses: number } {
  const first = layers[0];
  if (first?.type !== 'conv') throw new Error('an MBConv network must start with its stem conv');
  const inputShape: [number, number, number] = [first.inputSize, first.inputSize, inputChannels];
  let x = b.input(inputShape);
  let numClasses = 0;
  for (const layer of layers) {
    b.scope = layer.name;
    switch (layer.type) {
      case 'conv': {
        const o = { cout: layer.outChannels, kernel: layer.kernel, stride: layer.stride };
        const conv = { ...o, pad: Math.floor(layer.kernel / 2), groups: layer.groups, bias: layer.bias };
        x = layer.batchNorm
          ? b.convBnAct(x, conv, layer.activation)
          : b.activation(b.conv(x, conv), layer.activation);
        break;
      }
      case 'mbconv':
        x = mbConv(b, x, layer);
        break;
      case 'global-avg-pool':
        x = b.globalAvgPool(x);
        break;
      case 'linear':
        numClasses = opts.numClasses ?? layer.outFeatures;
        x = b.linear(b.shape(x).length > 1 ? b.flatten(x) : x, numClasses, layer.bias);
        break;
    }
  }
  return { output: x, inputShape, numClasses };
}
