import type { Api } from '../farm/http';
import { pollUntil } from '@tailor/common';
import { log } from '../farm/util';

export const SPACE = 'fmnist-mbv3';
const ACCURACY = 'accuracy:fashion-mnist';
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/* eslint-disable @typescript-eslint/no-explicit-any -- REST bodies, read field by field */

/** The bench polls once a second: its jobs run for minutes. */
const poll = <T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number) =>
  pollUntil(what, read, done, { timeoutMs, intervalMs: 1000 });

/** The local farm devices once `count` agents are online and each device is calibrated for the space. */
export async function calibratedDevices(
  api: Api,
  count: number,
): Promise<Array<{ id: string; runtime: string }>> {
  const devices = await poll(
    `${count} local agents`,
    () => api.ok<any[]>('GET', 'devices'),
    (ds) => ds.filter((d) => d.kind === 'farm' && d.agents?.online > 0).length >= count,
    180_000,
  );
  const farm = devices.filter((d) => d.kind === 'farm').map((d) => ({ id: d.id, runtime: d.runtime?.name }));
  for (const d of farm) {
    await poll(
      `${d.id}'s calibration`,
      () => api.ok<any[]>('GET', `devices/${d.id}/calibrations?searchSpace=${SPACE}`),
      (cs) => cs.some((c) => c.status === 'succeeded'),
      600_000,
    );
    log(`${d.id} (${d.runtime}) is calibrated`);
  }
  return farm;
}

export async function predictMs(api: Api, device: string, archs: readonly string[]): Promise<number[]> {
  const r = await api.ok<any>('POST', 'predict/latency', { searchSpace: SPACE, device, archs });
  return r.predictions.map((p: { ms: number }) => p.ms);
}

export interface SearchAnswer {
  readonly key: string;
  readonly predictedAccuracy: number;
  readonly validationAccuracy: number | null;
  readonly measuredMs: number;
  readonly searchId: string;
  readonly seconds: number;
}

/** One OFA search (the service's defaults but the budget), answered and verified by the service. */
export async function ofaSearch(
  api: Api,
  device: string,
  budgetMs: number,
  evaluations: number,
): Promise<SearchAnswer | null> {
  const started = Date.now();
  const s = await api.ok<any>('POST', 'searches', {
    name: `bench:ofa ${device} ≤ ${budgetMs} ms`,
    searchSpace: SPACE,
    algorithm: 'ofa',
    objectives: [{ metric: 'accuracy', dataset: 'fashion-mnist', goal: 'max' }],
    constraints: [{ metric: 'latency', device, max: budgetMs }],
    budget: { evaluations },
    seed: 0,
  });
  const row = await poll(
    `search ${s.id}`,
    () => api.ok<any>('GET', `searches/${s.id}`),
    (x) => TERMINAL.includes(x.status),
    1_800_000,
  );
  if (row.status !== 'succeeded') throw new Error(`search ${s.id} ${row.status}: ${row.error}`);
  const result = await api.ok<any>('GET', `searches/${s.id}/result`);
  const best = result.best;
  if (!best) return null;
  return {
    key: best.key,
    predictedAccuracy: best.predictedAccuracy ?? best.metrics[ACCURACY],
    validationAccuracy: best.validationAccuracy ?? null,
    measuredMs: best.metrics[`latency:${device}`],
    searchId: s.id,
    seconds: (Date.now() - started) / 1000,
  };
}

export interface ExportOutcome {
  readonly testAccuracy: number;
  readonly onnxAccuracy: number;
  readonly params: number;
  readonly flops: number;
  readonly deviceMs: number | null;
}

/** Exports (ONNX) and verifies a subnet on the whole test set, timed on `device` by its agent. */
export async function exportAndMeasure(
  api: Api,
  path: string,
  body: Record<string, unknown>,
): Promise<ExportOutcome> {
  const e = await api.ok<any>('POST', path, { formats: ['onnx'], ...body });
  const done = await poll(
    `export ${e.id}`,
    () => api.ok<any>('GET', `exports/${e.id}`),
    (x) => TERMINAL.includes(x.status),
    1_800_000,
  );
  if (done.status !== 'succeeded') throw new Error(`export ${e.id} failed: ${done.error}`);
  const r = done.result;
  return {
    testAccuracy: 100 * r.subnetAccuracy,
    onnxAccuracy: 100 * r.onnx.accuracy,
    params: r.params,
    flops: r.flops,
    deviceMs: r.latency?.ms ?? null,
  };
}
