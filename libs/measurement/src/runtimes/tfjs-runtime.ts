import type * as Tf from '@tensorflow/tfjs';
import { invalid, TailorError } from '@tailor/common';
import type { ModelFactory, RunnableModel } from '../protocol';
import { seededFloat32 } from '../seeded-input';
import { InputSpec, Runtime, RuntimeInfo, TfjsBuilder, TfjsPredictor } from './runtime';

type TfjsRuntimeName = 'tfjs-wasm' | 'tfjs-cpu' | 'tfjs-node';
type TfModule = typeof Tf;
type Require = (id: string) => unknown;

/**
 * tfjs keeps one engine and one active backend per process (per global), and the wasm thread
 * count can only be set before the wasm backend first initialises. Two tfjs runtimes in one
 * process would silently measure on whichever backend was set last, so the first successful
 * load claims the process and any different tfjs runtime is refused.
 */
let processOwner: { name: TfjsRuntimeName; threads: number } | undefined;

/** Which tfjs runtime owns this process, if any (for diagnostics and tests). */
export function tfjsProcessOwner(): { name: TfjsRuntimeName; threads: number } | undefined {
  return processOwner;
}

const BACKEND: Record<TfjsRuntimeName, string> = {
  'tfjs-wasm': 'wasm',
  'tfjs-cpu': 'cpu',
  'tfjs-node': 'tensorflow',
};

export class TfjsRuntime implements Runtime {
  version = '';
  threads: number;
  loaded = false;
  private tf: TfModule | undefined;
  private readonly notes: string[] = [];

  constructor(
    readonly name: TfjsRuntimeName,
    readonly requestedThreads: number,
    /** Injectable so tests can simulate a missing or present native package. */
    private readonly requireFn: Require = require,
  ) {
    this.threads = requestedThreads;
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    if (processOwner && (processOwner.name !== this.name || processOwner.threads !== this.requestedThreads)) {
      throw new TailorError(
        'CONFLICT',
        `tfjs backends are process-global: this process already runs ${processOwner.name} ` +
          `(threads ${processOwner.threads}); run ${this.name} (threads ${this.requestedThreads}) in its own process`,
        'runtime',
      );
    }
    const tf =
      this.name === 'tfjs-node' ? this.requireTfjsNode() : (this.requireFn('@tensorflow/tfjs') as TfModule);
    if (this.name === 'tfjs-wasm') this.configureWasm();
    const backend = BACKEND[this.name];
    // setBackend resolves false (rather than throwing) when initialisation fails.
    const ok = await tf.setBackend(backend);
    await tf.ready();
    if (!ok || tf.getBackend() !== backend) {
      throw new TailorError(
        'UNAVAILABLE',
        `runtime ${this.name}: tfjs backend '${backend}' failed to initialise`,
      );
    }
    this.version = this.versionOf(tf);
    this.threads = this.effectiveThreads();
    this.tf = tf;
    this.loaded = true;
    processOwner = { name: this.name, threads: this.requestedThreads };
  }

  info(): RuntimeInfo {
    const { name, version, requestedThreads, threads } = this;
    return { name, version, requestedThreads, threads, notes: [...this.notes] };
  }

  fromTfjs(build: TfjsBuilder, input: InputSpec): ModelFactory {
    const data = seededFloat32([input.batch, ...input.shape], input.seed);
    return async () => {
      const tf = this.requireLoaded();
      const model = await build(tf);
      const x = tf.tensor(data, [input.batch, ...input.shape], 'float32');
      return new TfjsRunnable(tf, model, x);
    };
  }

  private requireLoaded(): TfModule {
    if (!this.tf)
      throw new TailorError('INTERNAL', `runtime ${this.name}: call load() before building models`);
    return this.tf;
  }

  private requireTfjsNode(): TfModule {
    try {
      return this.requireFn('@tensorflow/tfjs-node') as TfModule;
    } catch (e) {
      throw new TailorError(
        'UNAVAILABLE',
        `runtime tfjs-node is unavailable on this machine: require('@tensorflow/tfjs-node') failed ` +
          `(${e instanceof Error ? e.message.split('\n')[0] : String(e)}); install it or use tfjs-wasm / tfjs-cpu`,
        'runtime',
      );
    }
  }

  private configureWasm(): void {
    const wasm = this.requireFn('@tensorflow/tfjs-backend-wasm') as { setThreadsCount(n: number): void };
    wasm.setThreadsCount(this.requestedThreads);
  }

  private versionOf(tf: TfModule): string {
    if (this.name === 'tfjs-wasm') {
      const wasm = this.requireFn('@tensorflow/tfjs-backend-wasm') as { version_wasm: string };
      return wasm.version_wasm;
    }
    const versions = tf.version as Record<string, string>;
    return this.name === 'tfjs-node' ? (versions['tfjs-node'] ?? tf.version_core) : tf.version_core;
  }

  private effectiveThreads(): number {
    if (this.name === 'tfjs-cpu') {
      if (this.requestedThreads !== 1) this.notes.push('tfjs-cpu is plain JavaScript: always 1 thread');
      return 1;
    }
    if (this.name === 'tfjs-node') {
      this.notes.push('tfjs-node: thread count is chosen by libtensorflow and not controlled here');
      return this.requestedThreads;
    }
    const wasm = this.requireFn('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number };
    const actual = wasm.getThreadsCount();
    if (actual < this.requestedThreads) {
      // tfjs-backend-wasm 4.x reports WASM_HAS_MULTITHREAD_SUPPORT=false under Node (tfjs#3830);
      // forcing it fails because Emscripten spawns workers from blob: URLs that Node rejects.
      this.notes.push(
        `tfjs-wasm: requested ${this.requestedThreads} threads but runs ${actual}; ` +
          'tfjs-backend-wasm has no multithreading under Node (single-threaded SIMD binary)',
      );
    }
    return actual;
  }
}

/** Validates a TfjsRuntime thread request; exported for resolveRuntime. */
export function checkThreads(threads: unknown): number {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) {
    throw invalid('threads', `must be an integer >= 1, got ${String(threads)}`);
  }
  return threads;
}

/** One model plus its fixed input; every run reads all outputs back and frees them. */
class TfjsRunnable implements RunnableModel {
  constructor(
    private readonly tf: TfModule,
    private readonly model: TfjsPredictor,
    private readonly input: Tf.Tensor,
  ) {}

  async run(): Promise<void> {
    // tidy frees intermediates a predictor might leave behind; only the outputs escape it.
    const out = this.tf.tidy(() => this.model.predict(this.input));
    const outputs = out instanceof this.tf.Tensor ? [out] : Array.isArray(out) ? out : Object.values(out);
    try {
      // Reading back forces asynchronous backends to finish, so the timing includes the work.
      for (const t of outputs) await t.data();
    } finally {
      this.tf.dispose(outputs);
    }
  }

  dispose(): void {
    this.input.dispose();
    this.model.dispose();
  }
}
