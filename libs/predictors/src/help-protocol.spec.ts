import { filterOutliers, protocolSplit } from './help-protocol';

describe('HELP protocol split', () => {
  // latency i+1 for arch i, reversed in the second half so ranks and indices differ
  const lat = [
    ...Array.from({ length: 20 }, (_, i) => i + 1),
    ...Array.from({ length: 20 }, (_, i) => 100 - i),
  ];

  it('keeps the archs whose latency rank is in [10%, 90%) of each range', () => {
    // range [0,20): latencies 1..20 → drop the 2 smallest (idx 0,1) and the 2 largest (idx 18,19)
    expect(filterOutliers(lat, [0, 20])).toEqual(Array.from({ length: 16 }, (_, i) => i + 2));
    // range [20,40): latencies 100..81 → smallest are the last indices
    expect(filterOutliers(lat, [20, 40])).toEqual(Array.from({ length: 16 }, (_, i) => 22 + i));
    // n = 15: keep ranks [trunc(1.5), trunc(13.5)) = [1, 13) → 12 archs
    expect(filterOutliers(lat, [0, 15])).toHaveLength(12);
  });

  it('samples shots from the filtered pool, never a reference arch, reproducibly per seed', () => {
    const ranges = { trainPool: [0, 20] as [number, number], query: [20, 40] as [number, number] };
    const refs = [2, 3, 4];
    const a = protocolSplit(lat, ranges, refs, 5, 7);
    const b = protocolSplit(lat, ranges, refs, 5, 7);
    const c = protocolSplit(lat, ranges, refs, 5, 8);
    expect(a).toEqual(b);
    expect(a.shots).not.toEqual(c.shots);
    expect(new Set(a.shots).size).toBe(5);
    for (const s of a.shots) {
      expect(a.pool).toContain(s);
      expect(refs).not.toContain(s);
    }
    expect(a.query.every((q) => q >= 20 && q < 40)).toBe(true);
    expect(a.query).toHaveLength(16);
  });

  it('refuses more samples than the filtered pool holds', () => {
    const ranges = { trainPool: [0, 10] as [number, number], query: [20, 40] as [number, number] };
    expect(() => protocolSplit(lat, ranges, [], 9, 1)).toThrow('fewer than samples=9');
  });
});
