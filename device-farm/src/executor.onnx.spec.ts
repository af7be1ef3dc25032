/**
 * @jest-environment ./libs/measurement/src/testing/node-realm-environment.js
 */
import { resolveRuntime } from '@tailor/measurement';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { MeasureExecutor } from './executor';
import { fakeTask } from './testing/fake-farm';

// onnxruntime-node checks typed arrays against the realm's constructors, hence the custom environment.
describe('MeasureExecutor on onnxruntime', () => {
  const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
  const runtime = resolveRuntime('onnxruntime', { threads: 1 });
  beforeAll(() => runtime.load());

  it('measures a real fmnist-mbv3 arch with batch 2 (NHWC input, transposed inside the graph)', async () => {
    const executor = new MeasureExecutor(runtime, registry, 2);
    const arch = 'w1-d3,3,3,3-ks3,5,7,3,5,7,3,5,7,3,5,7-e2,3,4,4,3,2,2,3,4,4,3,2';
    const params = { warmupRuns: 1, repeats: 2, minRepeatMs: 5 };
    const out = await executor.execute(fakeTask('t1', 'fmnist-mbv3', arch, params));
    if (out.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(out)}`);
    expect(out.result).toMatchObject({ replayed: false, samples: [expect.any(Number), expect.any(Number)] });
    expect(out.result.samples.every((s) => s > 0)).toBe(true);
    expect(out.result.buildMs).toBeGreaterThan(0);
    // Each repeat lasts at least minRepeatMs (runs × per-run latency), however many runs that took: the
    // count itself depends on the machine's load, so it is not asserted.
    const runs = out.result.runsPerRepeat ?? [];
    out.result.samples.forEach((ms, i) => expect(runs[i] * ms).toBeGreaterThanOrEqual(5 * 0.999));
  }, 30_000);

  it('fails a nasbench201 arch that does not parse without retry', async () => {
    const executor = new MeasureExecutor(runtime, registry, 1);
    const out = await executor.execute(fakeTask('t2', 'nasbench201', '|conv~0|+|'));
    expect(out).toMatchObject({ kind: 'failure', failure: { retryable: false } });
  });
});
