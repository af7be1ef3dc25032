import { DEFAULT_TASK_PARAMS, type FailureRequest, type LeasedTask, type ResultRequest } from '@tailor/farm';
import {
  measure,
  resolveMeasureParams,
  type InputSpec,
  type ModelFactory,
  type Runtime,
} from '@tailor/measurement';
import { buildNetwork, toOnnx, toTfjs } from '@tailor/nn';
import type { SearchSpaceRegistry } from '@tailor/search-spaces';
import { Aborted } from './http';

/** What running one task produced: a result to report, or a failure to report. */
export type TaskOutcome =
  | {
      readonly kind: 'result';
      readonly result: ResultRequest;
      /** For progress output only; the server recomputes statistics from the samples. */
      readonly medianMs: number;
      readonly cv: number;
    }
  | { readonly kind: 'failure'; readonly failure: FailureRequest };

export interface TaskExecutor {
  /** Never rejects for a task's own problems (those become failures); rejects with Aborted on `signal`. */
  execute(task: LeasedTask, signal?: AbortSignal): Promise<TaskOutcome>;
}

/** The message of anything thrown; duck-typed because errors from other realms fail instanceof. */
export const errorText = (e: unknown): string =>
  e !== null && typeof e === 'object' && typeof (e as Error).message === 'string'
    ? (e as Error).message
    : String(e);

/**
 * The model checks the signal before each run, so stopping the agent or losing the lease abandons a
 * measurement within one inference instead of finishing a run that nobody will accept.
 */
function abortable(factory: ModelFactory, signal?: AbortSignal): ModelFactory {
  if (!signal) return factory;
  return async () => {
    if (signal.aborted) throw new Aborted();
    const model = await factory();
    return {
      run: async () => {
        if (signal.aborted) throw new Aborted();
        await model.run();
      },
      dispose: () => model.dispose(),
    };
  };
}

/** Times real models with a loaded runtime, following the measurement protocol of @tailor/measurement. */
export class MeasureExecutor implements TaskExecutor {
  constructor(
    private readonly runtime: Runtime,
    private readonly registry: SearchSpaceRegistry,
    private readonly batchSize: number,
  ) {}

  async execute(task: LeasedTask, signal?: AbortSignal): Promise<TaskOutcome> {
    const startedAt = new Date().toISOString();
    let factory: ModelFactory;
    let params: ReturnType<typeof resolveMeasureParams>;
    // Everything up to here is deterministic for (space, arch, params): failing again cannot help.
    try {
      const taskParams = { ...DEFAULT_TASK_PARAMS, ...task.params };
      params = resolveMeasureParams({
        warmupRuns: taskParams.warmupRuns,
        repeats: taskParams.repeats,
        minRepeatMs: taskParams.minRepeatMs,
        maxCv: taskParams.maxCv,
      });
      factory = abortable(this.factoryFor(task, taskParams.weightSeed, taskParams.inputSeed), signal);
    } catch (e) {
      return {
        kind: 'failure',
        failure: { reason: `cannot build the model: ${errorText(e)}`, retryable: false },
      };
    }
    try {
      const m = await measure(factory, params);
      const last = m.attempts[m.attempts.length - 1];
      return {
        kind: 'result',
        medianMs: m.stats.median,
        cv: m.stats.cv,
        result: {
          samples: m.samples,
          runsPerRepeat: last.runsPerRepeat,
          attempts: m.attempts.map((a) => ({ samples: a.samples, runsPerRepeat: a.runsPerRepeat })),
          buildMs: m.buildMs,
          firstRunMs: m.firstRunMs,
          remeasured: m.remeasured,
          noisy: m.noisy,
          replayed: false,
          startedAt,
          finishedAt: new Date().toISOString(),
        },
      };
    } catch (e) {
      if (e instanceof Aborted || signal?.aborted) throw new Aborted();
      // A runtime failure (out of memory, kernel error) may be local and passing: let the server retry.
      return { kind: 'failure', failure: { reason: `measurement failed: ${errorText(e)}`, retryable: true } };
    }
  }

  private factoryFor(task: LeasedTask, weightSeed: number, inputSeed: number): ModelFactory {
    const space = this.registry.get(task.searchSpace, 'searchSpace');
    const arch = space.parse(task.arch, 'arch');
    const graph = buildNetwork(space, arch, { seed: weightSeed, batchSize: this.batchSize });
    // Both emitters take NHWC: toOnnx transposes to NCHW inside the graph, so one seeded tensor
    // feeds tfjs and onnxruntime alike.
    const input: InputSpec = { batch: this.batchSize, shape: [...graph.inputShape], seed: inputSeed };
    if (this.runtime.fromTfjs) return this.runtime.fromTfjs(() => toTfjs(graph), input);
    if (this.runtime.fromOnnx) return this.runtime.fromOnnx(toOnnx(graph), input);
    throw new Error(`runtime ${this.runtime.name} builds neither tfjs nor ONNX models`);
  }
}
