import type { ConvLayerDesc, LayerDesc, LinearLayerDesc, MbConvLayerDesc } from './mbconv-layer';

/**
 * Analytic cost of a layer list, counted the way OFA's `ofa/utils/flops_counter.py` and
 * `count_parameters` do, so numbers are comparable with OFA's published ones:
 * - MACs: every convolution is `out_h · out_w · k² · c_in / groups · c_out` (SE's two 1×1 convs run
 *   on the pooled 1×1 map), a linear layer is `in · out`; biases, BN, activations, pooling, the SE
 *   rescale and residual additions are not counted.
 * - Params: every trainable parameter, including BN's γ and β (2 per channel) and biases; BN running
 *   statistics are buffers, not parameters.
 */
export interface LayerCost {
  readonly macs: number;
  readonly params: number;
}

const bnParams = (channels: number, batchNorm: boolean): number => (batchNorm ? 2 * channels : 0);

export function convCost(layer: ConvLayerDesc): LayerCost {
  const weights = layer.kernel * layer.kernel * (layer.inChannels / layer.groups) * layer.outChannels;
  return {
    macs: layer.outputSize * layer.outputSize * weights,
    params: weights + (layer.bias ? layer.outChannels : 0) + bnParams(layer.outChannels, layer.batchNorm),
  };
}

export function linearCost(layer: LinearLayerDesc): LayerCost {
  const weights = layer.inFeatures * layer.outFeatures;
  return { macs: weights, params: weights + (layer.bias ? layer.outFeatures : 0) };
}

/** SE module on `channels` with a `hidden`-wide bottleneck: two 1×1 convs with bias on the pooled map. */
export function seCost(channels: number, hidden: number): LayerCost {
  return { macs: 2 * channels * hidden, params: 2 * channels * hidden + hidden + channels };
}

export function mbConvCost(layer: MbConvLayerDesc): LayerCost {
  const { inChannels: cin, midChannels: mid, outChannels: cout, inputSize, outputSize, kernel } = layer;
  let macs = 0;
  let params = 0;
  if (layer.expandRatio !== 1) {
    macs += inputSize * inputSize * cin * mid;
    params += cin * mid + 2 * mid;
  }
  macs += outputSize * outputSize * kernel * kernel * mid;
  params += kernel * kernel * mid + 2 * mid;
  if (layer.se) {
    const se = seCost(mid, layer.seChannels);
    macs += se.macs;
    params += se.params;
  }
  macs += outputSize * outputSize * mid * cout;
  params += mid * cout + 2 * cout;
  return { macs, params };
}

export function layerCost(layer: LayerDesc): LayerCost {
  switch (layer.type) {
    case 'conv':
      return convCost(layer);
    case 'mbconv':
      return mbConvCost(layer);
    case 'linear':
      return linearCost(layer);
    case 'global-avg-pool':
      return { macs: 0, params: 0 };
  }
}

export function networkCost(layers: readonly LayerDesc[]): LayerCost {
  let macs = 0;
  let params = 0;
  for (const layer of layers) {
    const c = layerCost(layer);
    macs += c.macs;
    params += c.params;
  }
  return { macs, params };
}
