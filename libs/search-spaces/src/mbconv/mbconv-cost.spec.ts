import { convCost, layerCost, linearCost, mbConvCost, networkCost, seCost } from './mbconv-cost';
import {
  type Activation,
  type ConvLayerDesc,
  type LayerDesc,
  convOutputSize,
  makeDivisible,
  mbConvLayer,
  pythonRound,
} from './mbconv-layer';

const conv = (over: Partial<ConvLayerDesc>): ConvLayerDesc => ({
  type: 'conv',
  name: 'c',
  inChannels: 3,
  outChannels: 16,
  kernel: 3,
  stride: 2,
  groups: 1,
  bias: false,
  batchNorm: true,
  activation: 'h_swish',
  inputSize: 224,
  outputSize: 112,
  ...over,
});

describe('channel rounding', () => {
  it('matches OFA make_divisible, including the 10% rule', () => {
    expect(makeDivisible(16, 8)).toBe(16);
    expect(makeDivisible(16 * 1.2, 8)).toBe(24); // 16 would be > 10% below 19.2
    expect(makeDivisible(24 * 1.2, 8)).toBe(32);
    expect(makeDivisible(112 * 1.2, 8)).toBe(136);
    expect(makeDivisible(960 * 1.2, 8)).toBe(1152);
    expect(makeDivisible(18, 8)).toBe(24);
    expect(makeDivisible(18, 4)).toBe(20);
    expect(makeDivisible(3, 8)).toBe(8); // never below the divisor
  });

  it('rounds half to even like Python', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6].map(pythonRound)).toEqual([0, 2, 2, 2, 3]);
  });

  it('computes same-padded output sizes', () => {
    expect(convOutputSize(224, 3, 2)).toBe(112);
    expect(convOutputSize(7, 3, 2)).toBe(4);
    expect(convOutputSize(130, 7, 2)).toBe(65);
    expect(convOutputSize(14, 7, 1)).toBe(14);
  });
});

describe('hand-counted layer costs', () => {
  it('counts a dense conv (no bias, BN γ/β)', () => {
    expect(convCost(conv({}))).toEqual({ macs: 112 * 112 * 3 * 3 * 3 * 16, params: 3 * 3 * 3 * 16 + 2 * 16 });
  });

  it('counts a depthwise conv (groups = channels)', () => {
    const dw = conv({
      inChannels: 32,
      outChannels: 32,
      groups: 32,
      stride: 1,
      inputSize: 10,
      outputSize: 10,
    });
    expect(convCost(dw)).toEqual({ macs: 10 * 10 * 9 * 32, params: 9 * 32 + 64 });
  });

  it('counts a 1×1 conv with bias and no BN', () => {
    const mix = conv({
      inChannels: 960,
      outChannels: 1280,
      kernel: 1,
      stride: 1,
      bias: true,
      batchNorm: false,
      inputSize: 1,
      outputSize: 1,
    });
    expect(convCost(mix)).toEqual({ macs: 960 * 1280, params: 960 * 1280 + 1280 });
  });

  it('counts SE as two biased 1×1 convs on the pooled map', () => {
    expect(seCost(96, 24)).toEqual({ macs: 2 * 96 * 24, params: 2 * 96 * 24 + 24 + 96 });
  });

  it('counts a linear layer', () => {
    expect(
      linearCost({ type: 'linear', name: 'fc', inFeatures: 1280, outFeatures: 1000, bias: true }),
    ).toEqual({
      macs: 1_280_000,
      params: 1_281_000,
    });
  });

  it('counts an MBConv block with expansion, stride 2 and SE', () => {
    const block = mbConvLayer({
      name: 'b',
      inChannels: 24,
      outChannels: 40,
      kernel: 5,
      stride: 2,
      expandRatio: 6,
      se: true,
      activation: 'relu',
      inputSize: 56,
      divisor: 8,
      seReduction: 4,
    });
    expect(block).toMatchObject({ midChannels: 144, seChannels: 40, outputSize: 28, residual: false });
    const expand = 56 * 56 * 24 * 144;
    const depthwise = 28 * 28 * 25 * 144;
    const se = 2 * 144 * 40;
    const project = 28 * 28 * 144 * 40;
    expect(mbConvCost(block)).toEqual({
      macs: expand + depthwise + se + project,
      params: 24 * 144 + 288 + (25 * 144 + 288) + (se + 40 + 144) + (144 * 40 + 80),
    });
  });

  it('has no expansion conv when the expand ratio is 1', () => {
    const block = mbConvLayer({
      name: 'first',
      inChannels: 16,
      outChannels: 16,
      kernel: 3,
      stride: 1,
      expandRatio: 1,
      se: false,
      activation: 'relu',
      inputSize: 112,
      divisor: 8,
      seReduction: 4,
    });
    expect(block).toMatchObject({ midChannels: 16, residual: true });
    expect(layerCost(block)).toEqual({
      macs: 112 * 112 * 9 * 16 + 112 * 112 * 16 * 16,
      params: 9 * 16 + 32 + 256 + 32,
    });
  });
});

describe('MobileNetV3-Large as a cross-check against published numbers', () => {
  // [kernel, expanded channels, out, SE, activation, stride] from the MobileNetV3 paper (Table 1).
  const bneck: [number, number, number, boolean, Activation, number][] = [
    [3, 16, 16, false, 'relu', 1],
    [3, 64, 24, false, 'relu', 2],
    [3, 72, 24, false, 'relu', 1],
    [5, 72, 40, true, 'relu', 2],
    [5, 120, 40, true, 'relu', 1],
    [5, 120, 40, true, 'relu', 1],
    [3, 240, 80, false, 'h_swish', 2],
    [3, 200, 80, false, 'h_swish', 1],
    [3, 184, 80, false, 'h_swish', 1],
    [3, 184, 80, false, 'h_swish', 1],
    [3, 480, 112, true, 'h_swish', 1],
    [3, 672, 112, true, 'h_swish', 1],
    [5, 672, 160, true, 'h_swish', 2],
    [5, 960, 160, true, 'h_swish', 1],
    [5, 960, 160, true, 'h_swish', 1],
  ];

  it('gives torchvision’s parameter count and Keras’ 217M MACs', () => {
    const layers: LayerDesc[] = [conv({})];
    let cin = 16;
    let size = 112;
    bneck.forEach(([kernel, mid, out, se, activation, stride], i) => {
      const block = mbConvLayer({
        name: `b${i}`,
        inChannels: cin,
        outChannels: out,
        kernel,
        stride,
        expandRatio: mid / cin,
        se,
        activation,
        inputSize: size,
        divisor: 8,
        seReduction: 4,
      });
      expect(block.midChannels).toBe(mid);
      layers.push(block);
      cin = out;
      size = block.outputSize;
    });
    layers.push(
      conv({ inChannels: 160, outChannels: 960, kernel: 1, stride: 1, inputSize: 7, outputSize: 7 }),
    );
    // torchvision's 960→1280 head layer has a bias (OFA's feature-mix layer does not).
    layers.push(
      conv({
        inChannels: 960,
        outChannels: 1280,
        kernel: 1,
        stride: 1,
        bias: true,
        batchNorm: false,
        inputSize: 1,
        outputSize: 1,
      }),
    );
    layers.push({ type: 'linear', name: 'fc', inFeatures: 1280, outFeatures: 1000, bias: true });
    const cost = networkCost(layers);
    expect(cost.params).toBe(5_483_032); // torchvision mobilenet_v3_large num_params
    expect(Math.round(cost.macs / 1e6)).toBe(217); // Keras applications table: 217M MACs
  });
});
