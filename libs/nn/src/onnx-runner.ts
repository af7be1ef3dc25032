import { Worker } from 'node:worker_threads';

/**
 * Worker body (plain JS: workers load it with `eval`, outside any TypeScript transform). It owns the
 * onnxruntime session so native inference never blocks the caller's event loop, and it runs in a clean
 * realm: under jest's vm sandbox, onnxruntime's `instanceof Float32Array` checks reject the arrays its
 * own native binding returns, so in-process use cannot even be tested.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { model, input, shape, ortPath } = workerData;
  const ort = require(ortPath);
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
    const data = Float32Array.from(out[session.outputNames[0]].data);
    parentPort.postMessage({ data, dims: out[session.outputNames[0]].dims }, [data.buffer]);
  } finally {
    await session.release();
  }
})().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

export interface OnnxResult {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Runs a `toOnnx` model once on an NHWC batch with onnxruntime-node (CPU) and returns the output. */
export function runOnnx(
  model: Uint8Array,
  input: Float32Array,
  shape: readonly [number, number, number, number],
): Promise<OnnxResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Copies, so the caller's buffers stay usable.
      workerData: {
        model: Uint8Array.from(model),
        input: Float32Array.from(input),
        shape: [...shape],
        // Resolved here: an eval'd worker would resolve bare names from the process cwd.
        ortPath: require.resolve('onnxruntime-node'),
      },
    });
    worker.once('message', (msg: { data?: Float32Array; dims?: number[]; error?: string }) => {
      void worker.terminate();
      if (msg.error !== undefined || !msg.data || !msg.dims) reject(new Error(`onnxruntime: ${msg.error}`));
      // Re-wrap in this realm's Float32Array (the worker's differs under jest).
      else resolve({ data: new Float32Array(msg.data), dims: [...msg.dims] });
    });
    worker.once('error', reject);
  });
}
