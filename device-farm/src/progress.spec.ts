import { Progress } from './progress';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return {
    out,
    io: {
      stdout: { isTTY, write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => out.push(s) },
    },
  };
};

describe('Progress', () => {
  it('writes one greppable line per task when stdout is not a TTY', () => {
    const { out, io } = sink(false);
    const p = new Progress(io, 'onnxruntime');
    p.started('nasbench201', 'a');
    p.measured('nasbench201', 'a', 1.234, 0.052, 2.04, false);
    p.failedTask('fbnet', 'b', 'boom');
    expect(out).toEqual([
      'measured nasbench201 a: median 1.23 ms (cv 5.2%) in 2.0 s\n',
      'failed fbnet b: boom\n',
    ]);
  });

  it('redraws a single status line on a TTY and prints logs above it', () => {
    const { out, io } = sink(true);
    const p = new Progress(io, 'tfjs-wasm');
    p.setDevice('dev-1');
    p.started('fmnist-mbv3', 'w1-d2');
    expect(out.at(-1)).toBe('\r\x1b[2Kdev-1 [tfjs-wasm] done 0 failed 0 | fmnist-mbv3 w1-d2');
    p.measured('fmnist-mbv3', 'w1-d2', 12.5, 0.01, 1, false);
    expect(out.at(-1)).toBe('\r\x1b[2Kdev-1 [tfjs-wasm] done 1 failed 0 | last 12.50 ms | idle');
    p.log('reconnected');
    expect(out.slice(-3)).toEqual([
      '\r\x1b[2K',
      'reconnected\n',
      '\r\x1b[2Kdev-1 [tfjs-wasm] done 1 failed 0 | last 12.50 ms | idle',
    ]);
    p.finish();
    expect(out.at(-1)).toBe('\r\x1b[2K');
  });
});
