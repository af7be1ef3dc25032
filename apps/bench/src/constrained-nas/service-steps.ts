/** The REST calls the benchmark makes, each waiting for its job to finish. */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Api } from '../farm/http';
import { childEnv, REPO_ROOT, stopChild, TAILOR_MAIN, waitForLine } from '../farm/server';
import { log, sleep } from '../farm/util';
import type { ConstrainedNasArgs } from './args';

interface JobView {
  id: string;
  status: string;
  error?: string | null;
  progress?: unknown;
}

async function waitFor<T extends JobView>(
  api: Api,
  route: string,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const view = await api.ok<T>('GET', route);
    if (view.status === 'succeeded') return view;
    if (['failed', 'cancelled'].includes(view.status))
      throw new Error(`${what} ${view.status}: ${view.error ?? JSON.stringify(view)}`);
    const progress = JSON.stringify(view.progress ?? {});
    if (progress !== last) log(`${what}: ${view.status} ${progress}`);
    last = progress;
    if (Date.now() > deadline) throw new Error(`${what} did not finish in ${timeoutMs / 1000} s`);
    await sleep(1000);
  }
}

export async function trainPredictor(
  api: Api,
  searchSpace: string,
  sourceDevices: string[],
  validationDevices: string[],
  args: ConstrainedNasArgs,
): Promise<void> {
  const options = {
    ...(args.steps ? { steps: args.steps } : {}),
    ...(args.members ? { members: args.members } : {}),
  };
  const created = await api.ok<JobView>('POST', 'predictors', {
    searchSpace,
    sourceDevices,
    validationDevices,
    options,
  });
  log(
    `predictor ${created.id}: meta-training on ${sourceDevices.join(', ')}; selecting on ${validationDevices.join(', ') || '(none: last checkpoint)'}`,
  );
  await waitFor(api, `predictors/${created.id}`, 'predictor', 3_600_000);
}

export interface ReplayAgent {
  deviceId: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startReplayAgent(
  url: string,
  admin: Api,
  file: string,
  device: string,
  workDir: string,
): Promise<ReplayAgent> {
  const { token } = await admin.ok<{ token: string }>('POST', 'farm/enrollment-tokens', {
    name: `bench:constrained-nas ${device}`,
    maxUses: 1,
    expiresInHours: 24,
  });
  const child = spawn(
    process.execPath,
    [
      TAILOR_MAIN,
      'agent',
      '--server',
      url,
      '--enroll-token',
      token,
      '--replay',
      file,
      '--device',
      device,
      '--name',
      `replay-${device}`,
      '--state-dir',
      path.join(workDir, 'agents', device),
    ],
    { cwd: REPO_ROOT, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const match = await waitForLine(
    child,
    /agent (\S+) serving device (\S+)/,
    120_000,
    `replay agent ${device}`,
  );
  log(`replay agent for ${device} serves farm device ${match[2]}`);
  return { deviceId: match[2], process: child, stop: () => stopChild(child, 20_000) };
}

export interface CalibrationView extends JobView {
  measurements: number;
  quality?: Record<string, number>;
}

export async function calibrate(
  api: Api,
  deviceId: string,
  searchSpace: string,
  samples: number,
): Promise<CalibrationView> {
  const created = await api.ok<JobView>('POST', `devices/${deviceId}/calibrate`, {
    searchSpace,
    samples,
    validationArchs: 0,
  });
  return waitFor<CalibrationView>(api, `calibrations/${created.id}`, `calibration of ${deviceId}`, 1_800_000);
}

export async function countMeasurements(api: Api, deviceId: string): Promise<number> {
  const page = await api.ok<{ total: number }>('GET', `devices/${deviceId}/measurements?limit=1`);
  return page.total;
}

export interface SearchOutcome {
  bestKey: string | null;
  deviceMeasurements: number;
  stoppedBecause: string | null;
}

export async function runSearch(
  api: Api,
  searchSpace: string,
  deviceId: string,
  budgetMs: number,
  args: ConstrainedNasArgs,
  maxMeasurements: number,
): Promise<SearchOutcome> {
  const created = await api.ok<JobView>('POST', 'searches', {
    searchSpace,
    algorithm: 'evolution',
    objectives: [{ metric: 'accuracy', dataset: args.dataset, goal: 'max' }],
    constraints: [{ metric: 'latency', device: deviceId, max: budgetMs }],
    budget: { evaluations: args.evaluations },
    seed: 1,
    verification: { maxMeasurements },
  });
  await waitFor(api, `searches/${created.id}`, `search ≤ ${budgetMs} ms on ${deviceId}`, 3_600_000);
  const result = await api.ok<{
    best: { key: string } | null;
    deviceMeasurements: number;
    verification?: { stoppedBecause: string };
  }>('GET', `searches/${created.id}/result`);
  return {
    bestKey: result.best?.key ?? null,
    deviceMeasurements: result.deviceMeasurements,
    stoppedBecause: result.verification?.stoppedBecause ?? null,
  };
}
