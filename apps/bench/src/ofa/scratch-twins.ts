import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, TAILOR_MAIN, childEnv } from '../farm/server';
import { log } from '../farm/util';

export interface TwinResult {
  readonly arch: string;
  readonly testAccuracy: number;
  readonly trainingSeconds: number;
}

/** Runs `tailor <args>` to completion, its output into `logFile`; resolves with the output. */
function tailor(args: readonly string[], logFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TAILOR_MAIN, ...args], {
      cwd: REPO_ROOT,
      env: childEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const sink = fs.createWriteStream(logFile, { flags: 'a' });
    const take = (c: Buffer) => {
      out += c.toString();
      sink.write(c);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('exit', (code) => {
      sink.end();
      if (code === 0) resolve(out);
      else reject(new Error(`tailor ${args[0]} ${args[1]} exited ${code}; see ${logFile}`));
    });
  });
}

/**
 * The baseline OFA is measured against: the same subnet trained from scratch (`tailor supernet train
 * --arch`, the full phase's recipe without a teacher), then scored on the test set with the same BN
 * recalibration as the specialized subnet. Two at a time: the machine has two cores.
 */
export async function trainTwins(
  archs: readonly string[],
  opts: { workDir: string; epochs: number; imagesPerEpoch: number; parallel?: number },
): Promise<Map<string, TwinResult>> {
  const out = new Map<string, TwinResult>();
  const queue = [...new Set(archs)];
  const worker = async () => {
    for (let arch = queue.shift(); arch !== undefined; arch = queue.shift()) {
      const dir = path.join(opts.workDir, `twin-${out.size}-${Math.random().toString(36).slice(2, 8)}`);
      const logFile = `${dir}.log`;
      log(`training from scratch: ${arch} (${opts.epochs} × ${opts.imagesPerEpoch} images; log ${logFile})`);
      const trained = await tailor(
        [
          'supernet',
          'train',
          '--out',
          dir,
          '--arch',
          arch,
          '--epochs',
          String(opts.epochs),
          '--images-per-epoch',
          String(opts.imagesPerEpoch),
          '--seed',
          '1',
          '--validation-images',
          '1000',
        ],
        logFile,
      );
      const seconds = Number(/done in (\d+) s of training/.exec(trained)?.[1] ?? NaN);
      const evaluated = await tailor(
        ['supernet', 'evaluate', '--checkpoint', dir, '--arch', arch, '--split', 'test'],
        logFile,
      );
      const accuracy = Number(/test accuracy ([\d.]+) %/.exec(evaluated)?.[1] ?? NaN);
      log(`from scratch ${arch}: ${accuracy} % test after ${seconds} s of training`);
      out.set(arch, { arch, testAccuracy: accuracy, trainingSeconds: seconds });
    }
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 2 }, worker));
  return out;
}
