import { resolveRuntime } from '@tailor/measurement';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { MeasureExecutor } from './executor';
import { fakeTask } from './testing/fake-farm';

// tfjs backends are process-global, so tfjs-cpu gets its own spec file (jest isolates modules per file).
const ARCH = 'w0.75-d2,2,2,2-ks3,5,7,3,5,7,3,5,7,3,5,7-e2,3,4,4,3,2,2,3,4,4,3,2';
const SMALL = { warmupRuns: 1, repeats: 2, minRepeatMs: 5 };

describe('MeasureExecutor on tfjs-cpu', () => {
  const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
  const runtime = resolveRuntime('tfjs-cpu');
  const executor = new MeasureExecutor(runtime, registry, 2);
  beforeAll(() => runtime.load());

  it('measures a real fmnist-mbv3 arch and reports raw samples of every attempt', async () => {
    const canonical = registry.get('fmnist-mbv3').canonical(registry.get('fmnist-mbv3').parse(ARCH));
    const out = await executor.execute(fakeTask('t1', 'fmnist-mbv3', canonical, SMALL));
    if (out.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(out)}`);
    const r = out.result;
    expect(r.samples).toHaveLength(2);
    expect(r.samples.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
    expect(r.attempts?.length).toBe(r.remeasured ? 2 : 1);
    expect(r.attempts?.[r.attempts.length - 1].samples).toEqual(r.samples);
    expect(r.runsPerRepeat).toHaveLength(2);
    expect(r.buildMs).toBeGreaterThan(0);
    expect(r.firstRunMs).toBeGreaterThan(0);
    expect(r.replayed).toBe(false);
    expect(Date.parse(r.finishedAt)).toBeGreaterThanOrEqual(Date.parse(r.startedAt));
    expect(out.medianMs).toBeGreaterThan(0);
  }, 30_000);

  it.each([
    ['an unknown space', 'no-such-space', ARCH, /unknown search space "no-such-space"/],
    ['a bad arch', 'fmnist-mbv3', 'w9-d1', /cannot build the model: arch/],
  ])('fails %s without retry and says why', async (_what, space, arch, reason) => {
    const out = await executor.execute(fakeTask('t2', space, arch, SMALL));
    expect(out).toMatchObject({
      kind: 'failure',
      failure: { retryable: false, reason: expect.stringMatching(reason) },
    });
  });

  it('refuses bad task params before building anything', async () => {
    const out = await executor.execute(fakeTask('t3', 'fmnist-mbv3', ARCH, { repeats: 0 }));
    expect(out).toMatchObject({
      kind: 'failure',
      failure: { retryable: false, reason: expect.stringMatching(/repeats/) },
    });
  });

  it('abandons the measurement when its signal fires', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(executor.execute(fakeTask('t4', 'fmnist-mbv3', ARCH, SMALL), abort.signal)).rejects.toThrow(
      'aborted',
    );
  });
});
