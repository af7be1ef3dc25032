import * as tf from '@tensorflow/tfjs';

/**
 * Gradient kernels the tfjs wasm backend (4.x) lacks, composed from forward ops it does have, so
 * that convnets can be trained on 'wasm'. Each kernel follows the attribute conventions of the
 * CPU reference kernels (tfjs-backend-cpu/src/kernels/*Backprop*.ts): NHWC, any strides,
 * 'same' | 'valid' | number | explicit padding, dimRoundingMode; dilation must be 1 (tfjs's own
 * conv gradients refuse dilation > 1 anyway).
 *
 * - Conv2DBackpropFilter: the classic "filter gradient is a dilated convolution" identity.
 *   dW[i,j,c,o] = sum_{b,h,w} xPad[b, i + h*s, j + w*s, c] * dy[b,h,w,o], i.e. a stride-1 conv2d
 *   of xPad viewed as [C, Hp, Wp, B] with dy viewed as the filter [oh, ow, B, O] at dilation s.
 * - DepthwiseConv2dNativeBackpropFilter: the same identity per channel, as a depthwise conv of
 *   xPad viewed as [1, Hp, Wp, B*C*M] with dy viewed as the filter [oh, ow, B*C*M, 1] at dilation
 *   s, then summed over the batch.
 * - DepthwiseConv2dNativeBackpropInput: a transposed depthwise conv: zero-insert dy by the stride,
 *   pad by (k - 1 - pad), depthwise-conv with the spatially flipped filter (channel multiplier
 *   folded into the channels), then sum over the multiplier.
 */

const WASM = 'wasm';

type Conv2DInfo = tf.backend_util.Conv2DInfo;
type Shape4 = [number, number, number, number];

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: [number, number] | number;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfoFor(
  kernel: string,
  inShape: Shape4,
  filterShape: Shape4,
  attrs: ConvAttrs,
  depthwise: boolean,
): Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(
      `${kernel} (wasm, composed): only dataFormat 'NHWC' is supported, got '${attrs.dataFormat}'`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new Error(
      `${kernel} (wasm, composed): dilations must be 1, got [${info.dilationHeight}, ${info.dilationWidth}]`,
    );
  }
  return info;
}

function assertDyShape(kernel: string, dy: tf.TensorInfo, info: Conv2DInfo): void {
  const want = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== want[i])) {
    throw new Error(`${kernel} (wasm, composed): dy has shape [${dy.shape}], expected [${want}]`);
  }
}

/** Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor. */
function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let y = x;
  const cropT = Math.max(0, -top);
  const cropB = Math.max(0, -bottom);
  const cropL = Math.max(0, -left);
  const cropR = Math.max(0, -right);
  if (cropT + cropB + cropL + cropR > 0) {
    const [b, h, w, c] = y.shape;
    y = tf.slice(y, [0, cropT, cropL, 0], [b, h - cropT - cropB, w - cropL - cropR, c]);
  }
  const padT = Math.max(0, top);
  const padB = Math.max(0, bottom);
  const padL = Math.max(0, left);
  const padR = Math.max(0, right);
  if (padT + padB + padL + padR > 0) {
    y = tf.pad(y, [
      [0, 0],
      [padT, padB],
      [padL, padR],
      [0, 0],
    ]);
  }
  return y;
}

/**
 * Pads x (zeros, which is what out-of-range reads mean in the reference kernels) so that exactly
 * the rows/cols a stride-s, size-k window sweep over info.outHeight x info.outWidth touches remain:
 * height (outHeight - 1) * s + k, starting at -padTop.
 */
function windowedInput(x: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const hp = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
  const wp = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
  const { top, left } = info.padInfo;
  return padOrCrop(x, top, hp - info.inHeight - top, left, wp - info.inWidth - left);
}

function need(kernel: string, inputs: tf.NamedTensorInfoMap, key: string): tf.TensorInfo {
  const t = inputs[key];
  if (!t) throw new Error(`${kernel} (wasm, composed): missing input '${key}'`);
  return t;
}

/**
 * A Tensor handle on a kernel input's data, for use with the public ops. makeTensorFromTensorInfo
 * does not take a backend reference, but disposing the handle (at the end of the enclosing tidy)
 * releases one, so take one here; otherwise the caller's input would be freed under it.
 */
function asTensor<T extends tf.Tensor>(info: tf.TensorInfo, backend: tf.KernelBackend): T {
  const t = tf.engine().makeTensorFromTensorInfo(info, backend);
  backend.incRef(info.dataId);
  return t as T;
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: unknown;
}

/** The inputs and geometry shared by both filter-gradient kernels, checked. */
function filterGradInputs(name: string, { inputs, attrs }: KernelArgs, depthwise: boolean) {
  const a = attrs as ConvAttrs & { filterShape: Shape4 };
  const [xInfo, dyInfo] = [need(name, inputs, 'x'), need(name, inputs, 'dy')];
  const info = convInfoFor(name, xInfo.shape as Shape4, a.filterShape, a, depthwise);
  assertDyShape(name, dyInfo, info);
  return { xInfo, dyInfo, info };
}

function conv2DBackpropFilter(args: KernelArgs): tf.Tensor {
  const { backend } = args;
  const { xInfo, dyInfo, info } = filterGradInputs(tf.Conv2DBackpropFilter, args, false);
  return tf.tidy(() => {
    const x = asTensor<tf.Tensor4D>(xInfo, backend);
    const dy = asTensor<tf.Tensor4D>(dyInfo, backend);
    const xs = tf.transpose(windowedInput(x, info), [3, 1, 2, 0]); // [C, Hp, Wp, B]
    const f = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, B, O]
    const dw = tf.conv2d(xs, f, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]); // [C, kh, kw, O]
    return tf.transpose(dw, [1, 2, 0, 3]);
  });
}

function depthwiseBackpropFilter(args: KernelArgs): tf.Tensor {
  const { backend } = args;
  const { xInfo, dyInfo, info } = filterGradInputs(tf.DepthwiseConv2dNativeBackpropFilter, args, true);
  const { batchSize: b, inChannels: c, outChannels, filterHeight: kh, filterWidth: kw } = info;
  const m = outChannels / c;
  return tf.tidy(() => {
    const x = asTensor<tf.Tensor4D>(xInfo, backend);
    const dy = asTensor<tf.Tensor4D>(dyInfo, backend);
    let xp: tf.Tensor = windowedInput(x, info); // [B, Hp, Wp, C]
    const [, hp, wp] = xp.shape;
    if (m > 1) xp = tf.tile(tf.reshape(xp, [b, hp, wp, c, 1]), [1, 1, 1, 1, m]);
    const xs = tf.reshape(tf.transpose(tf.reshape(xp, [b, hp, wp, c * m]), [1, 2, 0, 3]), [
      1,
      hp,
      wp,
      b * c * m,
    ]) as tf.Tensor4D;
    const f = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [
      info.outHeight,
      info.outWidth,
      b * c * m,
      1,
    ]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(xs, f, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]); // [1, kh, kw, B*C*M]
    return tf.sum(tf.reshape(out, [kh, kw, b, c, m]), 2);
  });
}

function depthwiseBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.Tensor {
  const name = tf.DepthwiseConv2dNativeBackpropInput;
  const a = attrs as ConvAttrs & { inputShape: Shape4 };
  const [dyInfo, filterInfo] = [need(name, inputs, 'dy'), need(name, inputs, 'filter')];
  const info = convInfoFor(name, a.inputShape, filterInfo.shape as Shape4, a, true);
  assertDyShape(name, dyInfo, info);
  const { batchSize: b, inChannels: c, outChannels: cm, filterHeight: kh, filterWidth: kw } = info;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  return tf.tidy(() => {
    const dy = asTensor<tf.Tensor4D>(dyInfo, backend);
    const filter = asTensor<tf.Tensor4D>(filterInfo, backend);
    // Zero-insert: [B, oh*sh, ow*sw, CM] with dy at multiples of the stride (the trailing
    // sh-1 rows / sw-1 cols are zeros and are cropped or kept by padOrCrop below).
    let up: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      const spread = tf.pad(tf.reshape(dy, [b, oh, 1, ow, 1, cm]), [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
      up = tf.reshape(spread, [b, oh * sh, ow * sw, cm]);
    }
    // A 'valid' conv of the dilated dy, padded by (k - 1 - pad) before, must yield inHeight rows.
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = info.inHeight + kh - 1 - top - oh * sh;
    const right = info.inWidth + kw - 1 - left - ow * sw;
    const padded = padOrCrop(up, top, bottom, left, right);
    const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, cm, 1]) as tf.Tensor4D;
    const dx = tf.depthwiseConv2d(padded, flipped, 1, 'valid'); // [B, H, W, C*M]
    return cm === c ? dx : tf.sum(tf.reshape(dx, [b, info.inHeight, info.inWidth, c, cm / c]), 4);
  });
}

const KERNELS: Array<[string, tf.KernelFunc]> = [
  [tf.Conv2DBackpropFilter, conv2DBackpropFilter as unknown as tf.KernelFunc],
  [tf.DepthwiseConv2dNativeBackpropFilter, depthwiseBackpropFilter as unknown as tf.KernelFunc],
  [tf.DepthwiseConv2dNativeBackpropInput, depthwiseBackpropInput as unknown as tf.KernelFunc],
];

/**
 * Registers the composed gradient kernels for 'wasm', skipping any the backend already has
 * (natively or from an earlier call). Returns the kernel names it registered.
 */
export function registerWasmGradKernels(): string[] {
  const registered: string[] = [];
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (tf.getKernel(kernelName, WASM)) continue;
    tf.registerKernel({ kernelName, backendName: WASM, kernelFunc });
    registered.push(kernelName);
  }
  return registered;
}
