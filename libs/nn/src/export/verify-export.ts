import { invalid, showValue } from '@tailor/common';
import type { NnGraph } from '../ir';
import { runOnnx } from '../onnx-runner';
import { predictTfjs } from '../tfjs-emitter';
import { exportDirPath } from './export-files';
import { loadTfjsModel } from './tfjs-export';

export type NhwcShape = readonly [number, number, number, number];

export interface VerifyExportInput {
  /** The graph both files were exported from: fixes the expected input shape and class count. */
  readonly graph: NnGraph;
  readonly onnxBytes: Uint8Array;
  /** Folder written by `writeTfjsModel`. */
  readonly tfjsDir: string;
  /** NHWC images, `shape[0]` of them. */
  readonly inputs: Float32Array;
  readonly shape: NhwcShape;
  /** Class index per image; when given, top-1 accuracies are reported. */
  readonly labels?: Int32Array | readonly number[];
  /** Images per inference call (default 1000): bounds memory, e.g. 10,000 28×28 images run in 10 calls. */
  readonly batchSize?: number;
}

export interface VerifyExportResult {
  readonly count: number;
  /** max |onnx − tfjs| over all logits. */
  readonly maxAbsDiff: number;
  readonly onnxAccuracy?: number;
  readonly tfjsAccuracy?: number;
}

const DEFAULT_BATCH = 1000;

/** How many rows of `logits` (`[n, classes]`, row-major) have their first maximum at `labels[offset + row]`. */
export function top1Correct(
  logits: Float32Array,
  numClasses: number,
  labels: Int32Array | readonly number[],
  offset = 0,
): number {
  let correct = 0;
  for (let row = 0; row * numClasses < logits.length; row++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) {
      if (logits[row * numClasses + k] > logits[row * numClasses + best]) best = k;
    }
    if (best === labels[offset + row]) correct++;
  }
  return correct;
}

function checkInput(input: VerifyExportInput): { batch: number } {
  const { graph, shape, inputs, labels } = input;
  exportDirPath(input.tfjsDir, 'tfjsDir');
  if (!(input.onnxBytes instanceof Uint8Array) || input.onnxBytes.byteLength === 0) {
    throw invalid(
      'onnxBytes',
      `must be a non-empty Uint8Array, got ${showValue(input.onnxBytes?.length)} bytes`,
    );
  }
  if (shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw invalid('shape', `must be 4 positive integers [n, h, w, c], got ${showValue(shape)}`);
  }
  if (shape.slice(1).some((d, i) => d !== graph.inputShape[i])) {
    throw invalid('shape', `${showValue(shape)} does not match the graph's input [n, ${graph.inputShape}]`);
  }
  const expected = shape.reduce((a, b) => a * b, 1);
  if (inputs.length !== expected) {
    throw invalid('inputs', `has ${inputs.length} values, shape ${showValue(shape)} needs ${expected}`);
  }
  if (labels !== undefined) {
    if (labels.length !== shape[0]) {
      throw invalid('labels', `has ${labels.length} entries for ${shape[0]} images`);
    }
    const bad = Array.prototype.findIndex.call(
      labels,
      (l: number) => !Number.isInteger(l) || l < 0 || l >= graph.numClasses,
    );
    if (bad >= 0) {
      throw invalid(
        `labels[${bad}]`,
        `must be a class index in [0, ${graph.numClasses}), got ${labels[bad]}`,
      );
    }
  }
  const batch = input.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batch) || batch <= 0) {
    throw invalid('batchSize', `must be a positive integer, got ${showValue(input.batchSize)}`);
  }
  return { batch };
}

/**
 * Runs the exported ONNX model (onnxruntime-node) and the exported TF.js model (reloaded from disk, on
 * the current backend) on the same images, batch by batch, and compares their logits and accuracies.
 * Testing the written artifacts rather than the in-memory graph is the point: it catches a bad save.
 */
export async function verifyExport(input: VerifyExportInput): Promise<VerifyExportResult> {
  const { batch } = checkInput(input);
  const { graph, inputs, shape, labels, onnxBytes } = input;
  const [n, h, w, c] = shape;
  const perImage = h * w * c;
  const classes = graph.numClasses;
  const model = await loadTfjsModel(input.tfjsDir);
  let maxAbsDiff = 0;
  let onnxCorrect = 0;
  let tfjsCorrect = 0;
  try {
    for (let start = 0; start < n; start += batch) {
      const b = Math.min(batch, n - start);
      const chunk = inputs.subarray(start * perImage, (start + b) * perImage);
      // onnxruntime runs in its worker thread while tfjs computes on this one.
      const [onnx, tfjs] = await Promise.all([
        runOnnx(onnxBytes, chunk, [b, h, w, c]),
        Promise.resolve().then(() => predictTfjs(model, chunk, b)),
      ]);
      if (onnx.data.length !== b * classes || tfjs.length !== b * classes) {
        throw invalid(
          'graph',
          `expected ${classes} logits per image, got onnx ${showValue(onnx.dims)}, tfjs ${tfjs.length / b}`,
        );
      }
      for (let i = 0; i < tfjs.length; i++)
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(onnx.data[i] - tfjs[i]));
      if (labels !== undefined) {
        onnxCorrect += top1Correct(onnx.data, classes, labels, start);
        tfjsCorrect += top1Correct(tfjs, classes, labels, start);
      }
    }
  } finally {
    model.dispose();
  }
  if (labels === undefined) return { count: n, maxAbsDiff };
  return { count: n, maxAbsDiff, onnxAccuracy: onnxCorrect / n, tfjsAccuracy: tfjsCorrect / n };
}
