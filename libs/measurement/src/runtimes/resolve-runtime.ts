import { invalid, showValue } from '@tailor/common';
import { OnnxRuntime } from './onnx-runtime';
import { Runtime, RUNTIME_NAMES, RuntimeName, RuntimeOptions } from './runtime';
import { checkThreads, TfjsRuntime } from './tfjs-runtime';

export function isRuntimeName(name: unknown): name is RuntimeName {
  return typeof name === 'string' && (RUNTIME_NAMES as readonly string[]).includes(name);
}

/**
 * The runtime called `name`, not yet loaded: call `load()` at agent start so a missing native
 * package fails before any measurement. Does not load anything itself.
 */
export function resolveRuntime(name: string, options: RuntimeOptions = {}): Runtime {
  const threads = checkThreads(options.threads ?? 1);
  if (!isRuntimeName(name)) {
    throw invalid(
      'runtime',
      `unknown runtime ${showValue(name)}; known runtimes: ${RUNTIME_NAMES.join(', ')}`,
      {
        known: [...RUNTIME_NAMES],
      },
    );
  }
  return name === 'onnxruntime' ? new OnnxRuntime(threads) : new TfjsRuntime(name, threads);
}
