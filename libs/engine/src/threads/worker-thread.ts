import { existsSync, readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Long tensor work (predictor meta-training, supernet training) runs in worker threads so the API's
 * event loop stays free. From a build the thread loads the compiled entry .js; from TypeScript sources
 * (tests, ts runners) the bootstrap transpiles .ts files and maps the `@tailor/*` aliases itself, since
 * neither jest's transform nor the build's path rewriting reach a worker thread.
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

/**
 * Starts `<dir>/<name>.ts|.js` (the extension this module was loaded with) in a worker thread; the
 * entry reads `workerData.input`.
 */
export function startWorkerThread(dir: string, name: string, input: unknown): Worker {
  const ext = extname(__filename);
  return new Worker(BOOTSTRAP, {
    eval: true,
    workerData: {
      entry: join(dir, `${name}${ext}`),
      input,
      ...(ext === '.ts' ? { aliases: sourceAliases(), typescript: require.resolve('typescript') } : {}),
    },
  });
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

/** A thread's messages: progress of some kind, then one answer or one error. */
export type ThreadMessage<P, R> =
  { type: 'progress'; progress: P } | { type: 'done'; result: R } | { type: 'error'; message: string };

export interface ThreadRun<R> {
  readonly result: Promise<R>;
  /** Ends the thread at once; `result` then rejects. */
  terminate(): Promise<void>;
}

/**
 * Runs an entry that posts ThreadMessages and resolves with its answer. The thread is ended once it
 * has answered: onnxruntime's and tfjs' pools can keep an idle worker alive otherwise.
 */
export function runInThread<P, R>(
  dir: string,
  name: string,
  input: unknown,
  onProgress: (p: P) => void,
): ThreadRun<R> {
  const worker = startWorkerThread(dir, name, input);
  const result = new Promise<R>((resolvePromise, reject) => {
    worker.on('message', (m: ThreadMessage<P, R>) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'done') resolvePromise(m.result);
      else reject(new Error(m.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`${name} thread stopped (exit code ${code})`)));
  });
  const ended = result.finally(() => worker.terminate()).catch(() => undefined);
  return {
    result,
    terminate: async () => {
      await worker.terminate();
      await ended;
    },
  };
}

/**
 * The other side of runInThread, for an entry file: runs `work` on the thread's input, posting its
 * progress, then its answer or its error. Only call it from inside a worker thread.
 */
export function answerInThread<I, P, R>(work: (input: I, onProgress: (p: P) => void) => Promise<R>): void {
  // Required here, not imported: this module is also loaded on the main thread, where there is no port.
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const port = parentPort!;
  const post = (m: ThreadMessage<P, R>): void => port.postMessage(m);
  work(workerData.input as I, (progress) => post({ type: 'progress', progress }))
    .then((result) => post({ type: 'done', result }))
    .catch((err: unknown) =>
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
}
