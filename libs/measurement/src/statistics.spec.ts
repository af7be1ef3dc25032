import { TailorError } from '@tailor/common';
import { computeStatistics } from './statistics';

describe('computeStatistics', () => {
  // Expected values computed by hand (see comments); std is the sample (n - 1) deviation.
  const table: Array<{ name: string; samples: number[]; expected: Record<string, number> }> = [
    {
      name: 'single sample',
      samples: [4],
      expected: { count: 1, median: 4, p90: 4, min: 4, max: 4, mean: 4, std: 0, cv: 0 },
    },
    {
      // mean 2.5; squared deviations 2.25+0.25+0.25+2.25 = 5; var 5/3; p90: h = 2.7 → 3 + 0.7 * 1
      name: '1..4 (unsorted input)',
      samples: [3, 1, 4, 2],
      expected: { count: 4, median: 2.5, p90: 3.7, min: 1, max: 4, mean: 2.5, std: Math.sqrt(5 / 3) },
    },
    {
      // mean 5; deviations² 9+1+1+1+0+0+4+16 = 32; var 32/7; median (4+5)/2; p90: h = 6.3 → 7 + 0.3 * 2
      name: 'classic 2,4,4,4,5,5,7,9',
      samples: [2, 4, 4, 4, 5, 5, 7, 9],
      expected: { count: 8, median: 4.5, p90: 7.6, min: 2, max: 9, mean: 5, std: Math.sqrt(32 / 7) },
    },
    {
      // mean 10; deviations² 1+0+1 = 2; var 1; cv 0.1; p90: h = 1.8 → 10 + 0.8 * 1
      name: '9,10,11',
      samples: [11, 9, 10],
      expected: { count: 3, median: 10, p90: 10.8, min: 9, max: 11, mean: 10, std: 1, cv: 0.1 },
    },
    {
      name: 'all zero (fake clock)',
      samples: [0, 0, 0],
      expected: { count: 3, median: 0, p90: 0, min: 0, max: 0, mean: 0, std: 0, cv: 0 },
    },
  ];

  it.each(table)('$name', ({ samples, expected }) => {
    const stats = computeStatistics(samples);
    for (const [key, value] of Object.entries(expected)) {
      expect(stats[key as keyof typeof stats]).toBeCloseTo(value, 10);
    }
    if (expected.cv === undefined) expect(stats.cv).toBeCloseTo(stats.std / stats.mean, 12);
  });

  it('does not mutate its input', () => {
    const samples = [3, 1, 2];
    computeStatistics(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it.each([
    [[], 'samples'],
    [[1, Number.NaN], 'samples[1]'],
    [[-1], 'samples[0]'],
  ])('rejects %p naming %s', (samples, field) => {
    expect(() => computeStatistics(samples)).toThrow(TailorError);
    expect(() => computeStatistics(samples)).toThrow(expect.objectContaining({ field }));
  });
});
