import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_MAIN, ensureBuilt, startChild } from '../support/processes';

jest.setTimeout(900_000);

/**
 * `npm run demo` as a user runs it, with one local agent to keep CI short: a fresh server on embedded
 * defaults, the local device calibrated, an OFA search, an export, the downloads, and the downloaded ONNX
 * file checked with onnxruntime. The demo itself exits non-zero when a check fails.
 */
describe('tailor demo (the whole loop on embedded defaults)', () => {
  const out = mkdtempSync(join(tmpdir(), 'tailor-demo-test-'));
  beforeAll(() => ensureBuilt(), 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('searches, exports, downloads and reproduces the promised accuracy within the budget', async () => {
    const demo = startChild(API_MAIN, ['demo', '--agents', '1', '--evaluations', '500', '--out', out], {});
    const code = await new Promise<number | null>((resolve) => demo.proc.once('exit', resolve));
    const output = demo.output();
    expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
    expect(output).toMatch(/sha256 matches the ETag/);
    expect(output).toMatch(
      /downloaded ONNX run here with onnxruntime: [\d.]+ % on 10000 test images \(matches/,
    );
    expect(output).toMatch(/\| onnxruntime-\S+ +\| [\d.]+ +\| w[\d.]+-d.*\| ok +\|/);
    const files = readdirSync(out);
    expect(files.some((f) => f.endsWith('.onnx'))).toBe(true);
    expect(files.some((f) => f.endsWith('.tar'))).toBe(true);
    expect(existsSync(join(out, 'server.log'))).toBe(true);
  });
});
