import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TailorError } from '@tailor/common';
import { buildNetwork } from '../build-network';
import { toOnnx } from '../onnx-emitter';
import { predictTfjs, toTfjs } from '../tfjs-emitter';
import { loadSpaces, seededInput } from '../testing/parity';
import { sha256 } from './export-files';
import { ONNX_MODEL_FILE, type OnnxExport, writeOnnxModel } from './onnx-export';
import { writeTfjsModel } from './tfjs-export';
import { type NhwcShape, type VerifyExportInput, top1Correct, verifyExport } from './verify-export';

const fmnist = loadSpaces().get('fmnist-mbv3');
const SMALLEST = fmnist.parse('w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x');
const graph = buildNetwork(fmnist, SMALLEST, { seed: 11 });
const N = 8;
const SHAPE: NhwcShape = [N, 28, 28, 1];
const inputs = seededInput(N * 28 * 28, 5);

let work: string;
let onnx: OnnxExport;
let tfjsDir: string;
/** Argmax of the in-memory tfjs model's logits: labels it must score 100% on. */
let ownLabels: number[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'tailor-verify-export-'));
  onnx = writeOnnxModel(graph, join(work, 'onnx'));
  tfjsDir = (await writeTfjsModel(graph, join(work, 'tfjs'))).dir;
  const model = toTfjs(graph);
  const logits = predictTfjs(model, inputs, N);
  model.dispose();
  ownLabels = Array.from({ length: N }, (_, i) => {
    const row = Array.from(logits.subarray(i * 10, (i + 1) * 10));
    return row.indexOf(Math.max(...row));
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const base = (): VerifyExportInput => ({ graph, onnxBytes: onnx.bytes, tfjsDir, inputs, shape: SHAPE });

describe('writeOnnxModel', () => {
  it('writes toOnnx bytes as model.onnx and reports their size and hash', () => {
    const onDisk = readFileSync(onnx.path);
    expect(onnx.name).toBe(ONNX_MODEL_FILE);
    expect(onnx.path).toBe(join(work, 'onnx', ONNX_MODEL_FILE));
    expect(onDisk.equals(Buffer.from(toOnnx(graph)))).toBe(true);
    expect(Buffer.from(onnx.bytes).equals(onDisk)).toBe(true);
    expect(onnx.size).toBe(onDisk.length);
    expect(onnx.sha256).toBe(sha256(onDisk));
  });

  it('rejects an empty dir', () => {
    expect(() => writeOnnxModel(graph, ' ')).toThrow('dir: must be a non-empty directory path, got " "');
  });
});

describe('top1Correct', () => {
  it.each([
    ['all right', [2, 0], 2],
    ['one right', [2, 1], 1],
    ['none right', [0, 1], 0],
  ])('counts %s', (_case, labels, correct) => {
    const logits = Float32Array.of(0, 1, 5, /* row 2 */ 4, 3, -1);
    expect(top1Correct(logits, 3, labels)).toBe(correct);
  });

  it('breaks ties towards the first maximum, like argmax', () => {
    expect(top1Correct(Float32Array.of(3, 3), 2, [0])).toBe(1);
    expect(top1Correct(Float32Array.of(3, 3), 2, [1])).toBe(0);
  });

  it('reads labels from an offset, for batched evaluation', () => {
    expect(top1Correct(Float32Array.of(0, 1), 2, Int32Array.of(0, 0, 1), 2)).toBe(1);
  });
});

describe('verifyExport', () => {
  it('finds the ONNX and reloaded TF.js exports agree within 1e-4, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await verifyExport(base());
    expect(tf.memory().numTensors).toBe(before);
    expect(r.count).toBe(N);
    expect(r.maxAbsDiff).toBeLessThan(1e-4);
    expect(r.onnxAccuracy).toBeUndefined();
    expect(r.tfjsAccuracy).toBeUndefined();
  });

  it('scores 1.0 on the model’s own predictions, and the right fraction on altered labels', async () => {
    const own = await verifyExport({ ...base(), labels: Int32Array.from(ownLabels) });
    expect(own.onnxAccuracy).toBe(1);
    expect(own.tfjsAccuracy).toBe(1);

    // Every third label moved to the next class (a shuffle could be a no-op: an untrained net often
    // predicts one class for all inputs), so images 0, 3 and 6 are wrong: 5 of 8 right.
    const altered = ownLabels.map((l, i) => (i % 3 === 0 ? (l + 1) % 10 : l));
    const expected = 5 / 8;
    // Small batches with a partial last one exercise the offsets of batched evaluation.
    const r = await verifyExport({ ...base(), labels: altered, batchSize: 3 });
    expect(r.onnxAccuracy).toBe(expected);
    expect(r.tfjsAccuracy).toBe(expected);
    expect(r.maxAbsDiff).toBeLessThan(1e-4);
  });

  it.each<[string, Partial<VerifyExportInput>, string]>([
    [
      'inputs shorter than the shape',
      { inputs: new Float32Array(10) },
      'inputs: has 10 values, shape [8,28,28,1] needs 6272',
    ],
    ['a shape the graph does not take', { shape: [N, 32, 32, 1] }, 'shape: [8,32,32,1] does not match'],
    ['a 3-d shape', { shape: [N, 28, 28] as unknown as NhwcShape }, 'shape: must be 4 positive integers'],
    ['too few labels', { labels: [1, 2] }, 'labels: has 2 entries for 8 images'],
    [
      'a label out of range',
      { labels: [0, 1, 2, 3, 4, 5, 6, 10] },
      'labels[7]: must be a class index in [0, 10), got 10',
    ],
    ['a zero batch size', { batchSize: 0 }, 'batchSize: must be a positive integer, got 0'],
    ['empty ONNX bytes', { onnxBytes: new Uint8Array(0) }, 'onnxBytes: must be a non-empty Uint8Array'],
    ['an empty tfjsDir', { tfjsDir: '' }, 'tfjsDir: must be a non-empty directory path'],
  ])('rejects %s with a typed error naming the argument', async (_case, patch, message) => {
    const err = await verifyExport({ ...base(), ...patch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TailorError);
    expect((err as TailorError).code).toBe('INVALID_ARGUMENT');
    expect((err as Error).message).toContain(message);
  });
});
