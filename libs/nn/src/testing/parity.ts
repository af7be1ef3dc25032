import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tailor/common';
import { SearchSpaceRegistry, type SearchSpace, defaultSearchSpacesDir } from '@tailor/search-spaces';
import type { NnGraph } from '../ir';
import { toOnnx } from '../onnx-emitter';
import { runOnnx } from '../onnx-runner';
import { predictTfjs, toTfjs } from '../tfjs-emitter';

/** Test helpers shared by the parity specs (not exported from the library). */
export const loadSpaces = (): SearchSpaceRegistry => SearchSpaceRegistry.load(defaultSearchSpacesDir());

export function seededInput(n: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

/** A sampled arch; OFA pinned to resolution 128, width 1.0 to keep CPU time modest. */
export function sampledArch(space: SearchSpace, seed: number): unknown {
  const arch = space.sample(Rng.fromSeed(seed)) as Record<string, unknown>;
  return space.id === 'ofa-mbv3' ? space.parse({ ...arch, r: 128, w: 1.0 }) : arch;
}

export interface ParityResult {
  /** max |onnx − tfjs| over all logits. */
  readonly maxAbs: number;
  /** max |logit| (tfjs), to judge maxAbs against. */
  readonly maxLogit: number;
  readonly tfjs: Float32Array;
  readonly onnx: Float32Array;
  readonly onnxDims: readonly number[];
  /** tf.memory().numTensors after minus before one prediction (warm model). */
  readonly leakedTensors: number;
  /** tf.memory().numTensors after model.dispose() minus before toTfjs. */
  readonly leakedByModel: number;
  readonly tfjsMs: number;
}

/** Runs the same seeded NHWC batch through toTfjs (current backend) and toOnnx + onnxruntime. */
export async function parity(graph: NnGraph, batch: number, inputSeed = 1): Promise<ParityResult> {
  const [h, w, c] = graph.inputShape;
  const input = seededInput(batch * h * w * c, inputSeed);
  const start = tf.memory().numTensors;
  const model = toTfjs(graph);
  let tfjs: Float32Array;
  let leakedTensors: number;
  let tfjsMs: number;
  try {
    predictTfjs(model, input, batch); // warm-up: first calls may set up backend state
    const before = tf.memory().numTensors;
    const t0 = Date.now();
    tfjs = predictTfjs(model, input, batch);
    tfjsMs = Date.now() - t0;
    leakedTensors = tf.memory().numTensors - before;
  } finally {
    model.dispose();
  }
  const leakedByModel = tf.memory().numTensors - start;
  const onnx = await runOnnx(toOnnx(graph), input, [batch, h, w, c]);
  let maxAbs = 0;
  let maxLogit = 0;
  for (let i = 0; i < tfjs.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(tfjs[i] - onnx.data[i]));
    maxLogit = Math.max(maxLogit, Math.abs(tfjs[i]));
  }
  return {
    maxAbs,
    maxLogit,
    tfjs,
    onnx: onnx.data,
    onnxDims: onnx.dims,
    leakedTensors,
    leakedByModel,
    tfjsMs,
  };
}

export const describeParity = (space: string, graph: NnGraph, r: ParityResult, backend: string): string =>
  `${backend} ${space} ${graph.arch}: max|Δ| ${r.maxAbs.toExponential(2)} (max|logit| ${r.maxLogit.toFixed(3)}), tfjs ${r.tfjsMs} ms`;
