import type { ConvNode, Weight } from './ir';

/**
 * IR (PyTorch/ONNX) weight layouts → tfjs layouts. Pure index shuffles, no arithmetic, so the values
 * tfjs sees are bit-identical to the ONNX initializers.
 */

/** True for a depthwise conv (one filter per channel), which tfjs runs with depthwiseConv2d. */
export const isDepthwise = (node: ConvNode, cin: number): boolean =>
  node.groups > 1 && node.groups === cin && node.weight.shape[0] === cin;

/**
 * OIHW [cout, cin/g, k, k] → HWIO [k, k, cin, cout]. For groups > 1 the result is block-diagonal:
 * tfjs has no grouped conv, and zero blocks give the exact grouped result while keeping a single
 * built-in Conv2D layer (so a saved model.json loads anywhere without custom layers). The cost is
 * g× the weights in memory for those (small, 1×1) convs; IR parameter counts are unaffected.
 */
export function convKernelHwio(weight: Weight, groups: number): Float32Array {
  const [cout, cinG, kh, kw] = weight.shape;
  const cin = cinG * groups;
  const coutG = cout / groups;
  const out = new Float32Array(kh * kw * cin * cout);
  for (let o = 0; o < cout; o++) {
    const g = Math.floor(o / coutG);
    for (let i = 0; i < cinG; i++) {
      const full = g * cinG + i;
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          out[((y * kw + x) * cin + full) * cout + o] = weight.data[((o * cinG + i) * kh + y) * kw + x];
        }
      }
    }
  }
  return out;
}

/** Depthwise OIHW [c, 1, k, k] → tfjs depthwise kernel [k, k, c, 1]. */
export function depthwiseKernel(weight: Weight): Float32Array {
  const [c, , kh, kw] = weight.shape;
  const out = new Float32Array(kh * kw * c);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) out[(y * kw + x) * c + ch] = weight.data[(ch * kh + y) * kw + x];
    }
  }
  return out;
}

/** Linear [out, in] → dense kernel [in, out]. */
export function denseKernel(weight: Weight): Float32Array {
  const [outF, inF] = weight.shape;
  const out = new Float32Array(inF * outF);
  for (let o = 0; o < outF; o++) {
    for (let i = 0; i < inF; i++) out[i * outF + o] = weight.data[o * inF + i];
  }
  return out;
}
