import { TailorError } from '@tailor/common';
import { measure, MeasureParams, RunnableModel } from './protocol';

/** A fake clock plus a model whose n-th run "takes" duration(n) ms on that clock. */
function fakeSetup(duration: (n: number) => number, buildMs = 7) {
  let now = 1000;
  const calls = { runs: 0, disposed: 0, builds: 0 };
  const clock = () => now;
  const factory = async (): Promise<RunnableModel> => {
    calls.builds++;
    now += buildMs;
    return {
      run: async () => {
        now += duration(calls.runs);
        calls.runs++;
      },
      dispose: () => {
        calls.disposed++;
      },
    };
  };
  return { clock, factory, calls };
}

describe('measure (fake clock and model)', () => {
  it('times build and first run separately, warms up, and fills each repeat to minRepeatMs', async () => {
    // First run 50 ms (lazy compilation), then 3 ms per run.
    const { clock, factory, calls } = fakeSetup((n) => (n === 0 ? 50 : 3));
    const m = await measure(factory, { clock, warmupRuns: 4, repeats: 3, minRepeatMs: 10 });
    expect(m.buildMs).toBe(7);
    expect(m.firstRunMs).toBe(50);
    // ceil(10 / 3) = 4 runs per repeat, each repeat 12 ms → 3 ms per run.
    expect(m.attempts).toHaveLength(1);
    expect(m.attempts[0].runsPerRepeat).toEqual([4, 4, 4]);
    expect(m.samples).toEqual([3, 3, 3]);
    expect(m.stats).toMatchObject({ count: 3, median: 3, mean: 3, std: 0, cv: 0 });
    expect(m.remeasured).toBe(false);
    expect(m.noisy).toBe(false);
    expect(m.totalRuns).toBe(1 + 4 + 12);
    expect(calls).toEqual({ runs: 17, disposed: 1, builds: 1 });
  });

  it('uses the documented defaults', async () => {
    const { clock, factory, calls } = fakeSetup(() => 25);
    const m = await measure(factory, { clock });
    expect(m.params).toEqual({
      warmupRuns: 10,
      repeats: 5,
      minRepeatMs: 100,
      maxCv: 0.1,
      maxRunsPerRepeat: 1e6,
    });
    expect(m.attempts[0].runsPerRepeat).toEqual([4, 4, 4, 4, 4]);
    expect(calls.runs).toBe(1 + 10 + 20);
  });

  it('a run slower than minRepeatMs still counts once per repeat', async () => {
    const { clock, factory } = fakeSetup(() => 40);
    const m = await measure(factory, { clock, warmupRuns: 0, repeats: 2, minRepeatMs: 10 });
    expect(m.attempts[0].runsPerRepeat).toEqual([1, 1]);
    expect(m.samples).toEqual([40, 40]);
  });

  it('re-measures once when CV is too high and keeps the stable second attempt', async () => {
    // warmup 0, 1 run per repeat (minRepeatMs 0): runs 1..3 are the first attempt, 4..6 the second.
    const durations = [5, 10, 20, 30, 10, 10, 10];
    const { clock, factory, calls } = fakeSetup((n) => durations[n]);
    const m = await measure(factory, { clock, warmupRuns: 0, repeats: 3, minRepeatMs: 0 });
    expect(m.attempts.map((a) => a.samples)).toEqual([
      [10, 20, 30],
      [10, 10, 10],
    ]);
    expect(m.attempts[0].stats.cv).toBeCloseTo(0.5, 10); // std 10 / mean 20
    expect(m.remeasured).toBe(true);
    expect(m.noisy).toBe(false);
    expect(m.samples).toEqual([10, 10, 10]);
    expect(m.stats.mean).toBe(10);
    expect(calls.runs).toBe(7);
  });

  it('flags noisy when the re-measure is still above maxCv', async () => {
    const durations = [5, 10, 20, 30, 10, 30, 20];
    const { clock, factory } = fakeSetup((n) => durations[n]);
    const m = await measure(factory, { clock, warmupRuns: 0, repeats: 3, minRepeatMs: 0 });
    expect(m.remeasured).toBe(true);
    expect(m.noisy).toBe(true);
    expect(m.attempts).toHaveLength(2);
    expect(m.samples).toEqual([10, 30, 20]);
  });

  it('respects a custom maxCv (0.5 accepts the spread above without re-measuring)', async () => {
    const durations = [5, 10, 20, 30];
    const { clock, factory } = fakeSetup((n) => durations[n]);
    const m = await measure(factory, { clock, warmupRuns: 0, repeats: 3, minRepeatMs: 0, maxCv: 0.5 });
    expect(m.remeasured).toBe(false);
    expect(m.noisy).toBe(false);
  });

  it('caps runs per repeat when the clock does not advance', async () => {
    const { clock, factory } = fakeSetup(() => 0);
    const m = await measure(factory, { clock, warmupRuns: 0, repeats: 2, maxRunsPerRepeat: 50 });
    expect(m.attempts[0].runsPerRepeat).toEqual([50, 50]);
    expect(m.samples).toEqual([0, 0]);
  });

  it('disposes the model when a run throws', async () => {
    let disposed = 0;
    const factory = async (): Promise<RunnableModel> => ({
      run: async () => {
        throw new Error('kernel failed');
      },
      dispose: () => {
        disposed++;
      },
    });
    await expect(measure(factory, { warmupRuns: 0 })).rejects.toThrow('kernel failed');
    expect(disposed).toBe(1);
  });

  it.each<[MeasureParams, string]>([
    [{ warmupRuns: -1 }, 'warmupRuns'],
    [{ warmupRuns: 1.5 }, 'warmupRuns'],
    [{ repeats: 0 }, 'repeats'],
    [{ minRepeatMs: -1 }, 'minRepeatMs'],
    [{ minRepeatMs: Number.POSITIVE_INFINITY }, 'minRepeatMs'],
    [{ maxCv: 0 }, 'maxCv'],
    [{ maxCv: Number.NaN }, 'maxCv'],
    [{ maxRunsPerRepeat: 0 }, 'maxRunsPerRepeat'],
    [{ clock: 5 as unknown as () => number }, 'clock'],
  ])('rejects %p naming %s before building', async (params, field) => {
    const { factory, calls } = fakeSetup(() => 1);
    const error = await measure(factory, params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TailorError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field });
    expect((error as Error).message).toContain(field);
    expect(calls.builds).toBe(0);
  });
});
