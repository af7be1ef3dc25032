import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { type InProcessReplayAgent, startReplayAgent } from '../support/replay-agent';
import { NB201_ACCURACY, NB201_LATENCY } from '../support/shared-data';
import { startTestServer, type TestServer, waitForJob, waitForSearch } from '../support/test-server';

jest.setTimeout(300_000);

/** The recorded device the replay agent stands in for (a metaValid device: not trained on). */
const RECORDED = 'gold_6240';
/** The replay agent's device id (`replay-gold-6240`: device ids take no underscore). */
const DEVICE = `replay-${RECORDED.replace(/_/g, '-')}`;
const METRIC = `latency:${DEVICE}`;
const MAX_MEASUREMENTS = 6;
/** Reference archs + shots + held-out archs of a default calibration. */
const CALIBRATION_MEASUREMENTS = 10 + 10 + 5;

const nb = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('nasbench201');
const latencyFile = JSON.parse(readFileSync(NB201_LATENCY, 'utf8'));
const accuracyFile = JSON.parse(readFileSync(NB201_ACCURACY, 'utf8'));

/** The recorded latency and CIFAR-100 accuracy of every arch, by canonical key. */
const truth = new Map<string, { ms: number; accuracy: number }>();
(latencyFile.archs as string[]).forEach((a, i) =>
  truth.set(nb.canonical(nb.parse(a)), { ms: latencyFile.devices[RECORDED][i], accuracy: NaN }),
);
(accuracyFile.archs as string[]).forEach((a, i) => {
  const t = truth.get(nb.canonical(nb.parse(a)));
  if (t) t.accuracy = accuracyFile.accuracy.cifar100[i];
});
const latencies = [...truth.values()].map((t) => t.ms).sort((a, b) => a - b);
const MEDIAN_MS = latencies[Math.floor(latencies.length / 2)];
const FASTEST_MS = latencies[0];
/** The most accurate arch of the whole space within the budget, by enumeration. */
function oracle(budgetMs: number) {
  let best: { key: string; ms: number; accuracy: number } | null = null;
  for (const [key, t] of truth)
    if (t.ms <= budgetMs && (!best || t.accuracy > best.accuracy)) best = { key, ...t };
  return best;
}

interface Step {
  key: string;
  score: number;
  predictedMs: number;
  feasibility: number;
  measuredMs: number | null;
  withinBudget: boolean;
}

interface Candidate {
  key: string;
  metrics: Record<string, number | null>;
  feasible: boolean;
}

/** GET /searches/{id}/result of a search whose latencies were predicted. */
interface PredictedResult {
  best: Candidate | null;
  topK: Candidate[];
  evaluations: number;
  deviceMeasurements: number;
  latencyPredicted?: string[];
  verification: {
    device: string;
    metric: string;
    budgetMs: number;
    calibrationId: string | null;
    maxMeasurements: number;
    measurements: number;
    stoppedBecause: string;
    steps: Step[];
  };
}

describe('a search on a farm device without a table (predicted latency, verified on the device)', () => {
  let t: TestServer;
  let agent: InProcessReplayAgent | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tailor-predicted-search-'));
  /** Every arch measured on the device so far (calibration and verification). */
  const measuredKeys = new Set<string>();

  const search = (maxMs: number) => ({
    searchSpace: 'nasbench201',
    algorithm: 'evolution',
    objectives: [{ metric: 'accuracy', dataset: 'cifar100', goal: 'max' }],
    constraints: [{ metric: 'latency', device: DEVICE, max: maxMs }],
    budget: { evaluations: 300 },
    seed: 1,
    verification: { maxMeasurements: MAX_MEASUREMENTS },
  });
  const run = async (maxMs: number) => {
    const { body: s } = await t.admin().post('/searches').send(search(maxMs)).expect(202);
    const done = await waitForSearch(t.admin(), s.id, 120_000);
    expect(done).toMatchObject({ status: 'succeeded', error: null });
    const result = (await t.admin().get(`/searches/${s.id}/result`).expect(200)).body;
    // The search's own view shows the verified answer too, not the best by predicted latency.
    expect(done.best).toEqual(result.best);
    return result;
  };
  const storedMeasurements = async () =>
    (await t.admin().get(`/devices/${DEVICE}/measurements?searchSpace=nasbench201&limit=1`).expect(200)).body
      .total;

  /** What every verified result must satisfy, whatever the budget. */
  const checkVerification = (result: PredictedResult, budgetMs: number, known: ReadonlySet<string>) => {
    expect(result.latencyPredicted).toEqual([METRIC]);
    const v = result.verification;
    expect(v).toMatchObject({ device: DEVICE, metric: METRIC, budgetMs, maxMeasurements: MAX_MEASUREMENTS });
    expect(v.calibrationId).toEqual(expect.any(String));
    expect(v.measurements).toBeLessThanOrEqual(MAX_MEASUREMENTS);
    expect(v.steps).toHaveLength(v.measurements);
    for (const s of v.steps) {
      // The replay agent answers with the recorded latency.
      expect(s.measuredMs).toBeCloseTo(truth.get(s.key)!.ms, 6);
      expect(s.withinBudget).toBe(s.measuredMs! <= budgetMs);
      expect(known.has(s.key)).toBe(false); // a known latency is never measured again
    }
    if (result.best) {
      const real = truth.get(result.best.key)!;
      expect(result.best.metrics[METRIC]).toBeCloseTo(real.ms, 6);
      expect(real.ms).toBeLessThanOrEqual(budgetMs);
      expect(result.best.metrics['accuracy:cifar100']).toBeCloseTo(real.accuracy, 4);
      expect(result.best.feasible).toBe(true);
      const measuredNow = v.steps.filter((s) => s.withinBudget).map((s) => s.key);
      expect([...measuredNow, ...known]).toContain(result.best.key);
    }
    for (const s of v.steps) measuredKeys.add(s.key);
  };

  beforeAll(async () => {
    t = await startTestServer({ imports: [NB201_LATENCY, NB201_ACCURACY] });
    const created = await t
      .admin()
      .post('/predictors')
      .send({ searchSpace: 'nasbench201', options: { steps: 150, members: 1 } })
      .expect(202);
    const trained = (await waitForJob(t.admin(), `/predictors/${created.body.id}`)).body;
    expect(trained).toMatchObject({ status: 'succeeded', sourceDevices: latencyFile.splits.metaTrain });
    agent = await startReplayAgent(t, dir, NB201_LATENCY, RECORDED);
    expect(agent.deviceId).toBe(DEVICE);
  }, 240_000);
  afterAll(async () => {
    await agent?.stop();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [{ maxMeasurements: -1 }, 'verification.maxMeasurements', /not be less than 0/],
    [{ maxMeasurements: 1001 }, 'verification.maxMeasurements', /not be greater than 1000/],
    [{ maxMeasurements: 2.5 }, 'verification.maxMeasurements', /integer/],
    [{ measurements: 3 }, 'verification.measurements', /should not exist/],
  ])('refuses verification %j naming %s, storing nothing', async (verification, field, message) => {
    const before = (await t.admin().get('/searches').expect(200)).body.total;
    const res = await t
      .admin()
      .post('/searches')
      .send({ ...search(10), verification })
      .expect(400);
    expect(res.body.field).toBe(field);
    expect(res.body.message).toMatch(message);
    expect((await t.admin().get('/searches').expect(200)).body.total).toBe(before);
  });

  it('calibrates the device, then returns only an arch measured within the budget', async () => {
    const budget = Math.round(MEDIAN_MS * 100) / 100;
    expect((await t.admin().get(`/devices/${DEVICE}/calibrations`).expect(200)).body).toEqual([]);
    const result = await run(budget);

    const calibrations = (await t.admin().get(`/devices/${DEVICE}/calibrations`).expect(200)).body;
    expect(calibrations).toHaveLength(1);
    expect(calibrations[0]).toMatchObject({
      id: result.verification.calibrationId,
      status: 'succeeded',
      source: 'farm',
      measurements: CALIBRATION_MEASUREMENTS,
    });
    const calibration = (await t.admin().get(`/calibrations/${calibrations[0].id}`).expect(200)).body;
    const calibrated = new Set(Object.keys(calibration.measured));
    expect(calibrated.size).toBe(CALIBRATION_MEASUREMENTS);
    for (const [key, ms] of Object.entries(calibration.measured))
      expect(ms).toBeCloseTo(truth.get(key)!.ms, 6);
    calibrated.forEach((k) => measuredKeys.add(k));

    checkVerification(result, budget, calibrated);
    expect(result.best).not.toBeNull();
    expect(result.deviceMeasurements).toBe(CALIBRATION_MEASUREMENTS + result.verification.measurements);
    expect(await storedMeasurements()).toBe(measuredKeys.size);

    const best = oracle(budget)!;
    const real = truth.get(result.best.key)!;
    console.log(
      `budget ${budget} ms (median of ${RECORDED}): returned ${real.accuracy.toFixed(2)} % at ${real.ms.toFixed(2)} ms ` +
        `after ${result.verification.measurements} verification + ${CALIBRATION_MEASUREMENTS} calibration measurements ` +
        `(${result.verification.stoppedBecause}); oracle ${best.accuracy.toFixed(2)} % at ${best.ms.toFixed(2)} ms, ` +
        `gap ${(best.accuracy - real.accuracy).toFixed(2)} points`,
    );
  });

  it('reuses the calibration for a tighter budget and measures only to verify', async () => {
    const budget = 6;
    const known = new Set(measuredKeys);
    const before = await storedMeasurements();
    const result = await run(budget);

    checkVerification(result, budget, known);
    expect(result.deviceMeasurements).toBe(result.verification.measurements);
    expect((await t.admin().get(`/devices/${DEVICE}/calibrations`).expect(200)).body).toHaveLength(1);
    expect(await storedMeasurements()).toBe(before + result.verification.measurements);
    expect(await storedMeasurements()).toBe(measuredKeys.size);
    if (result.best) {
      const best = oracle(budget)!;
      const real = truth.get(result.best.key)!;
      console.log(
        `budget ${budget} ms: returned ${real.accuracy.toFixed(2)} % at ${real.ms.toFixed(2)} ms after ` +
          `${result.verification.measurements} measurements (${result.verification.stoppedBecause}); ` +
          `oracle ${best.accuracy.toFixed(2)} % at ${best.ms.toFixed(2)} ms`,
      );
    }
  });

  it('returns no arch, and says why, when the budget is below the fastest arch of the space', async () => {
    const budget = Math.floor(FASTEST_MS * 0.8 * 100) / 100;
    expect(oracle(budget)).toBeNull();
    const known = new Set(measuredKeys);
    const before = await storedMeasurements();
    const { body: s } = await t.admin().post('/searches').send(search(budget)).expect(202);
    const done = await waitForSearch(t.admin(), s.id, 120_000);
    expect(done).toMatchObject({ status: 'succeeded', best: null });
    const result = (await t.admin().get(`/searches/${s.id}/result`).expect(200)).body;

    checkVerification(result, budget, known);
    expect(result.best).toBeNull();
    expect(result.verification.stoppedBecause).toMatch(/within the budget/);
    expect(result.deviceMeasurements).toBe(result.verification.measurements);
    expect(await storedMeasurements()).toBe(before + result.verification.measurements);
    console.log(
      `budget ${budget} ms (fastest arch ${FASTEST_MS.toFixed(2)} ms): best null after ` +
        `${result.verification.measurements} measurements (${result.verification.stoppedBecause})`,
    );
  });

  it('returns only an arch already measured within the budget when cancelled (never a prediction)', async () => {
    const budget = Math.round(MEDIAN_MS * 100) / 100;
    const known = new Set(measuredKeys);
    const before = await storedMeasurements();
    const { body: s } = await t
      .admin()
      .post('/searches')
      .send({ ...search(budget), budget: { evaluations: 5000 } })
      .expect(202);
    for (const deadline = Date.now() + 60_000; ;) {
      const { body } = await t.admin().get(`/searches/${s.id}`).expect(200);
      if (body.status === 'running' && body.progress?.evaluations > 0) break;
      expect(body.status).not.toBe('succeeded');
      if (Date.now() > deadline) throw new Error(`search ${s.id} still ${body.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await t.admin().delete(`/searches/${s.id}`).expect(200);
    const done = await waitForSearch(t.admin(), s.id, 60_000);
    expect(done.status).toBe('cancelled');
    const result = (await t.admin().get(`/searches/${s.id}/result`).expect(200)).body;
    expect(result.evaluations).toBeLessThan(5000);
    checkVerification(result, budget, known);
    expect(result.verification.measurements).toBe(0);
    expect(result.verification.stoppedBecause).toMatch(/cancelled/);
    expect(result.deviceMeasurements).toBe(0);
    expect(await storedMeasurements()).toBe(before);
    if (result.best) expect(known).toContain(result.best.key);
    expect(done.best).toEqual(result.best);
    console.log(
      `cancelled after ${result.evaluations} evaluations: best ${result.best ? `${result.best.key} (measured before)` : 'null'}, ` +
        `${result.topK.length} predicted candidates in topK`,
    );
  });
});
