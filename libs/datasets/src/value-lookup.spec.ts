import { TailorError } from '@tailor/common';
import { parseAccuracyTable } from './accuracy-table-parser';
import { parseLatencyTable } from './latency-table-parser';
import { fakeResolveSpace } from './testing/fake-space-resolver';
import { NB201_ARCHS, accuracySample, latencySample } from './testing/sample-tables';
import { AccuracyLookup, LatencyLookup, ValueLookup } from './value-lookup';

describe('ValueLookup', () => {
  const lookup = new ValueLookup(['a', 'b', 'c', 'd', 'e'], [5, 1, 4, 2, 3]);

  it('finds values by arch key', () => {
    expect(lookup.get('c')).toBe(4);
    expect(lookup.get('z')).toBeUndefined();
    expect(lookup.has('a')).toBe(true);
    expect(lookup.size).toBe(5);
  });

  it('interpolates percentiles like numpy', () => {
    expect(lookup.percentile(0)).toBe(1);
    expect(lookup.percentile(50)).toBe(3);
    expect(lookup.percentile(100)).toBe(5);
    expect(lookup.percentile(10)).toBeCloseTo(1.4);
    expect(new ValueLookup(['x'], [7]).percentile(30)).toBe(7);
  });

  it('rejects bad input', () => {
    expect(() => lookup.percentile(101)).toThrow(/percentile: must be a number in \[0, 100\], got 101/);
    expect(() => new ValueLookup([], []).percentile(50)).toThrow(TailorError);
    expect(() => new ValueLookup(['a'], [])).toThrow(/1 archs, 0 values/);
  });

  it('is built from a dataset column', () => {
    const latency = parseLatencyTable(latencySample(), fakeResolveSpace);
    expect(LatencyLookup.forDevice(latency, 'pixel3').get(NB201_ARCHS[2])).toBe(0.003);
    expect(() => LatencyLookup.forDevice(latency, 'pixel9')).toThrow(/device: .*pixel3, 1080ti_1.*"pixel9"/);
    const accuracy = parseAccuracyTable(accuracySample(), fakeResolveSpace);
    expect(AccuracyLookup.forMetric(accuracy, 'cifar100').percentile(100)).toBe(100);
    expect(() => AccuracyLookup.forMetric(accuracy, 'mnist')).toThrow(/"mnist"/);
  });
});
