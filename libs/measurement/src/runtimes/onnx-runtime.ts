import type * as Ort from 'onnxruntime-node';
import { TailorError } from '@tailor/common';
import type { ModelFactory, RunnableModel } from '../protocol';
import { seededFloat32 } from '../seeded-input';
import { InputSpec, Runtime, RuntimeInfo } from './runtime';

type OrtModule = typeof Ort;
type Require = (id: string) => unknown;

/**
 * onnxruntime-node on the CPU execution provider. Unlike tfjs, threading is per session
 * (intraOpNumThreads), so several onnxruntime runtimes may coexist in one process.
 */
export class OnnxRuntime implements Runtime {
  readonly name = 'onnxruntime' as const;
  version = '';
  threads: number;
  loaded = false;
  private ort: OrtModule | undefined;

  constructor(
    readonly requestedThreads: number,
    private readonly requireFn: Require = require,
  ) {
    this.threads = requestedThreads;
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    let ort: OrtModule;
    try {
      ort = this.requireFn('onnxruntime-node') as OrtModule;
    } catch (e) {
      throw new TailorError(
        'UNAVAILABLE',
        `runtime onnxruntime is unavailable: require('onnxruntime-node') failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
        'runtime',
      );
    }
    this.version = ort.env.versions?.node ?? ort.env.versions?.common ?? '';
    this.ort = ort;
    this.loaded = true;
  }

  info(): RuntimeInfo {
    const { name, version, requestedThreads, threads } = this;
    // Inter-op is pinned to 1 and execution is sequential so `threads` means one thing: intra-op threads.
    return { name, version, requestedThreads, threads, notes: ['intra-op threads; inter-op 1, sequential'] };
  }

  fromOnnx(model: Uint8Array, input: InputSpec): ModelFactory {
    const dims = [input.batch, ...input.shape];
    const data = seededFloat32(dims, input.seed);
    return async () => {
      const ort = this.requireLoaded();
      const session = await ort.InferenceSession.create(model, {
        executionProviders: ['cpu'],
        intraOpNumThreads: this.requestedThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      const inputName = input.inputName ?? session.inputNames[0];
      if (!session.inputNames.includes(inputName)) {
        await session.release();
        throw new TailorError(
          'INVALID_ARGUMENT',
          `model has no input '${inputName}' (inputs: ${session.inputNames.join(', ')})`,
          'input.inputName',
        );
      }
      return new OnnxRunnable(session, inputName, new ort.Tensor('float32', data, dims));
    };
  }

  private requireLoaded(): OrtModule {
    if (!this.ort)
      throw new TailorError('INTERNAL', 'runtime onnxruntime: call load() before building models');
    return this.ort;
  }
}

class OnnxRunnable implements RunnableModel {
  constructor(
    private readonly session: Ort.InferenceSession,
    private readonly inputName: string,
    private readonly input: Ort.Tensor,
  ) {}

  async run(): Promise<void> {
    const outputs = await this.session.run({ [this.inputName]: this.input });
    for (const t of Object.values(outputs)) {
      // On the CPU provider outputs are already host memory; touching .data keeps that true
      // if an agent ever swaps in a device provider, and dispose frees the native buffer now.
      void t.data;
      t.dispose();
    }
  }

  async dispose(): Promise<void> {
    this.input.dispose();
    await this.session.release();
  }
}
