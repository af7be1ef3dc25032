import * as fs from 'node:fs';

/** The two files as the benchmark reads them directly (the service reads them through its import). */
export interface BenchTables {
  searchSpace: string;
  archs: string[];
  latency: Record<string, number[]>;
  accuracy: number[];
  splits: { metaTrain: string[]; metaValid: string[] };
}

export function readTables(latencyFile: string, accuracyFile: string, dataset: string): BenchTables {
  const lat = JSON.parse(fs.readFileSync(latencyFile, 'utf8')) as {
    searchSpace: string;
    archs: string[];
    devices: Record<string, number[]>;
    splits?: { metaTrain?: string[]; metaValid?: string[] };
  };
  const acc = JSON.parse(fs.readFileSync(accuracyFile, 'utf8')) as {
    archs: string[];
    accuracy: Record<string, number[]>;
  };
  const values = acc.accuracy[dataset];
  if (!values)
    throw new Error(
      `${accuracyFile} has no accuracy for ${dataset} (has ${Object.keys(acc.accuracy).join(', ')})`,
    );
  const index = new Map(acc.archs.map((a, i) => [a, i]));
  return {
    searchSpace: lat.searchSpace,
    archs: lat.archs,
    latency: lat.devices,
    accuracy: lat.archs.map((a) => {
      const i = index.get(a);
      if (i === undefined) throw new Error(`arch ${a} of ${latencyFile} has no accuracy in ${accuracyFile}`);
      return values[i];
    }),
    splits: { metaTrain: lat.splits?.metaTrain ?? [], metaValid: lat.splits?.metaValid ?? [] },
  };
}

/** Best accuracy among archs whose latency on `device` is within budget, by enumeration of the file. */
export function oracle(
  t: BenchTables,
  device: string,
  budgetMs: number,
): { arch: string; accuracy: number; feasible: number } {
  const lat = t.latency[device];
  let best = -1;
  let feasible = 0;
  lat.forEach((ms, i) => {
    if (ms > budgetMs) return;
    feasible++;
    if (best < 0 || t.accuracy[i] > t.accuracy[best]) best = i;
  });
  if (best < 0) throw new Error(`no arch of the file is within ${budgetMs} ms on ${device}`);
  return { arch: t.archs[best], accuracy: t.accuracy[best], feasible };
}

/** Budgets at the 25th, 50th and 75th percentile of the device's latencies. */
export function quartileBudgets(t: BenchTables, device: string): number[] {
  const sorted = [...t.latency[device]].sort((a, b) => a - b);
  return [0.25, 0.5, 0.75].map((q) => Number(sorted[Math.floor(q * (sorted.length - 1))].toPrecision(4)));
}
