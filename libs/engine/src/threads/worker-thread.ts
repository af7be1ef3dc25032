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
