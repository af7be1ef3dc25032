import type * as Tf from '@tensorflow/tfjs';
import type { ModelFactory } from '../protocol';

export const RUNTIME_NAMES = ['tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'onnxruntime'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** What the model is fed: a fixed seeded float32 tensor of shape [batch, ...shape]. */
export interface InputSpec {
  readonly batch: number;
  /** Per-example shape without the batch dimension, in the model's layout (NHWC for tfjs, usually NCHW for ONNX). */
  readonly shape: readonly number[];
  readonly seed: number;
  /** ONNX input name; defaults to the session's first input. Ignored by tfjs. */
  readonly inputName?: string;
}

/** What a tfjs model must offer: both LayersModel and GraphModel fit. */
export interface TfjsPredictor {
  predict(input: Tf.Tensor): Tf.Tensor | Tf.Tensor[] | Tf.NamedTensorMap;
  dispose(): unknown;
}

/**
 * Builds the tfjs model with the tf namespace of the loaded runtime (for tfjs-node this is the
 * `@tensorflow/tfjs-node` namespace), on the active backend, so weights live where they run.
 */
export type TfjsBuilder = (tf: typeof Tf) => TfjsPredictor | Promise<TfjsPredictor>;

/** Facts about the runtime to store next to every measurement. */
export interface RuntimeInfo {
  readonly name: RuntimeName;
  readonly version: string;
  readonly requestedThreads: number;
  /** Threads actually in use after load(); may be lower than requested (see notes). */
  readonly threads: number;
  /** Caveats a reader of the numbers must know (e.g. threads silently unavailable). */
  readonly notes: readonly string[];
}

/**
 * One inference runtime on this machine. Call `load()` once, then ask it for model factories;
 * a runtime supports `fromTfjs`, `fromOnnx`, or both. Factories are handed to `measure()`,
 * which times the build they perform.
 */
export interface Runtime {
  readonly name: RuntimeName;
  readonly requestedThreads: number;
  /** Runtime version; '' until load() has succeeded. */
  readonly version: string;
  /** Effective threads; equals requestedThreads until load() has run. */
  readonly threads: number;
  readonly loaded: boolean;
  load(): Promise<void>;
  info(): RuntimeInfo;
  fromTfjs?(build: TfjsBuilder, input: InputSpec): ModelFactory;
  fromOnnx?(model: Uint8Array, input: InputSpec): ModelFactory;
}

export interface RuntimeOptions {
  /** Intra-op threads; 1 is the reproducible default. */
  readonly threads?: number;
}
