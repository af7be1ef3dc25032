import { existsSync, readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainedPredictor, TrainingProgress, TrainPredictorInput } from '@tailor/predictors';

type Message =
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'done'; result: TrainedPredictor }
  | { type: 'error'; message: string };

/**
 * Meta-training is seconds to minutes of synchronous tensor work that yields to the event loop only
 * every 50 steps, so run in the API process it would stall HTTP requests for seconds at a time. It
 * runs in a worker thread instead. From a build the thread loads the compiled training-worker.js; from
 * TypeScript sources (tests, ts runners) the bootstrap transpiles .ts files and maps the `@tailor/*`
 * aliases itself, since neither jest's transform nor the build's path rewriting reach a worker thread.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.aliases) {
  const fs = require('node:fs');
  const Module = require('node:module');
  const ts = require(workerData.typescript);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolveFilename.call(this, workerData.aliases[request] || request, ...rest);
  };
  const compilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    experimentalDecorators: true,
  };
  Module._extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    module._compile(ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText, filename);
  };
}
require(workerData.entry);
`;

export interface TrainingThread {
  readonly result: Promise<TrainedPredictor>;
  /** Stops the thread; `result` then rejects. */
  terminate(): Promise<void>;
}

export function trainInThread(
  input: Omit<TrainPredictorInput, 'onProgress'>,
  onProgress: (p: TrainingProgress) => void,
): TrainingThread {
  const fromSources = extname(__filename) === '.ts';
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: {
      entry: join(__dirname, `training-worker${extname(__filename)}`),
      input,
      ...(fromSources ? { aliases: sourceAliases(), typescript: require.resolve('typescript') } : {}),
    },
  });
  const result = new Promise<TrainedPredictor>((resolvePromise, reject) => {
    worker.on('message', (m: Message) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'done') resolvePromise(m.result);
      else reject(new Error(m.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`training thread stopped (exit code ${code})`)));
  });
  // The thread idles once it has answered; end it either way.
  const ended = result.finally(() => worker.terminate()).catch(() => undefined);
  return {
    result,
    terminate: async () => {
      await worker.terminate();
      await ended;
    },
  };
}

/** `@tailor/<lib>` → `libs/<lib>/src` (and the device farm), as tsconfig.json maps them. */
function sourceAliases(): Record<string, string> {
  const root = resolve(__dirname, '../../../..');
  const libs = readdirSync(join(root, 'libs')).filter((d) => existsSync(join(root, 'libs', d, 'src')));
  return {
    ...Object.fromEntries(libs.map((d) => [`@tailor/${d}`, join(root, 'libs', d, 'src')])),
    '@tailor/device-farm': join(root, 'device-farm', 'src'),
  };
}
