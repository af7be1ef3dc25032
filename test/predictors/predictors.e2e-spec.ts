import { readFileSync } from 'node:fs';
import { PredictService } from '@tailor/engine';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { NB201_LATENCY } from '../support/shared-data';
import { startTestServer, type TestServer, waitForJob } from '../support/test-server';

jest.setTimeout(600_000);

const nb = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('nasbench201');
const file = JSON.parse(readFileSync(NB201_LATENCY, 'utf8'));
const ARCHS = (file.archs as string[]).slice(0, 3).map((a) => nb.canonical(nb.parse(a)));
const QUICK = { steps: 60, members: 1 };

describe('meta-learned latency predictor over REST (embedded defaults)', () => {
  let t: TestServer;
  const predictorCount = async () => (await t.admin().get('/predictors').expect(200)).body.length;
  const calibrationCount = async (device: string) =>
    (await t.admin().get(`/devices/${device}/calibrations`).expect(200)).body.length;

  beforeAll(async () => {
    t = await startTestServer({ imports: [NB201_LATENCY] });
  }, 120_000);
  afterAll(() => t?.close());

  it('refuses to calibrate before any predictor and to predict before any calibration (409)', async () => {
    const cal = await t
      .admin()
      .post('/devices/gold_6240/calibrate')
      .send({ searchSpace: 'nasbench201' })
      .expect(409);
    expect(cal.body.field).toBe('searchSpace');
    expect(cal.body.message).toMatch(/POST \/api\/v1\/predictors/);
    expect(await calibrationCount('gold_6240')).toBe(0);
    const pred = await t
      .admin()
      .post('/predict/latency')
      .send({ searchSpace: 'nasbench201', device: 'gold_6240', archs: ARCHS })
      .expect(409);
    expect(pred.body.field).toBe('device');
    expect(pred.body.message).toMatch(/POST \/api\/v1\/devices\/gold_6240\/calibrate/);
  });

  it.each([
    [{ searchSpace: 'nasbench999' }, 404, 'searchSpace'],
    [{ searchSpace: 'fbnet' }, 422, 'searchSpace'],
    [{ searchSpace: 'nasbench201', sourceDevices: ['pixel3', 'pixel9'] }, 404, 'sourceDevices[1]'],
    [
      { searchSpace: 'nasbench201', validationDevices: ['pixel3'], sourceDevices: ['pixel3'] },
      400,
      'validationDevices[0]',
    ],
    [{ searchSpace: 'nasbench201', options: { steps: 0 } }, 400, 'options.steps'],
    [{ searchSpace: 'nasbench201', sourceDevices: [] }, 400, 'sourceDevices'],
  ])('refuses predictor request %j with %i naming %s, storing nothing', async (body, status, field) => {
    const before = await predictorCount();
    const res = await t.admin().post('/predictors').send(body).expect(status);
    expect(res.body.field).toBe(field);
    expect(await predictorCount()).toBe(before);
  });

  it('trains a predictor, calibrates a recorded device from its table, and predicts with intervals', async () => {
    const created = await t
      .admin()
      .post('/predictors')
      .send({ searchSpace: 'nasbench201', options: QUICK })
      .expect(202);
    expect(created.body).toEqual({
      id: expect.any(String),
      searchSpace: 'nasbench201',
      version: 1,
      status: 'queued',
    });
    const trained = await waitForJob(t.admin(), `/predictors/${created.body.id}`);
    expect(trained.body).toMatchObject({
      status: 'succeeded',
      error: null,
      options: QUICK,
      sourceDevices: file.splits.metaTrain,
      validationDevices: file.splits.metaValid,
      progress: { member: 1, members: 1, step: 60, steps: 60, percent: 100 },
    });
    expect(trained.body.snapshot).toBeUndefined();
    expect(Object.keys(trained.body.validation).sort()).toEqual([...file.splits.metaValid].sort());
    for (const rho of Object.values<number>(trained.body.validation)) expect(rho).toBeGreaterThan(0.5);
    expect(trained.progress.some((p) => (p as { percent: number }).percent > 0)).toBe(true);
    const listed = await t.admin().get('/predictors?searchSpace=nasbench201').expect(200);
    expect(listed.body.map((p: { id: string }) => p.id)).toEqual([created.body.id]);

    const cal = await t
      .admin()
      .post('/devices/gold_6240/calibrate')
      .send({ searchSpace: 'nasbench201' })
      .expect(202);
    expect(cal.body).toMatchObject({
      deviceId: 'gold_6240',
      status: 'queued',
      source: 'table',
      predictor: { id: created.body.id, version: 1 },
      warnings: [],
    });
    const done = (await waitForJob(t.admin(), `/calibrations/${cal.body.id}`)).body;
    const refs = (file.hardwareEmbeddingIndex as number[]).map((i) => nb.canonical(nb.parse(file.archs[i])));
    expect(done).toMatchObject({ status: 'succeeded', measurements: 25, referenceArchs: refs });
    expect(done.shotArchs).toHaveLength(10);
    expect(done.validationArchs).toHaveLength(5);
    expect(done.calibration).toBeUndefined();
    expect(done.quality).toMatchObject({
      validationArchs: 5,
      spearman: expect.any(Number),
      mape: expect.any(Number),
      within10: expect.any(Number),
      intervalCoverage: expect.any(Number),
    });
    const index = new Map((file.archs as string[]).map((a, i) => [nb.canonical(nb.parse(a)), i]));
    for (const [arch, ms] of Object.entries(done.measured))
      expect(ms).toBe(file.devices.gold_6240[index.get(arch)!]);
    const list = await t.admin().get('/devices/gold_6240/calibrations').expect(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([cal.body.id]);

    const structured = nb.toJSON(nb.parse(ARCHS[2]));
    const res = await t
      .admin()
      .post('/predict/latency')
      .send({ searchSpace: 'nasbench201', device: 'gold_6240', archs: [ARCHS[0], ARCHS[1], structured] })
      .expect(200);
    expect(res.body).toMatchObject({
      searchSpace: 'nasbench201',
      device: 'gold_6240',
      predictor: { id: created.body.id, version: 1 },
      calibration: { id: cal.body.id, quality: done.quality },
    });
    expect(res.body.predictions.map((p: { arch: string }) => p.arch)).toEqual(ARCHS);
    for (const p of res.body.predictions) {
      expect(p.high).toBeGreaterThan(p.low);
      expect(p.ms).toBeGreaterThanOrEqual(p.low);
      expect(p.ms).toBeLessThanOrEqual(p.high);
    }

    // Engine code gets the same calibrated predictor without going through REST.
    const predict = t.server.app.get(PredictService);
    const calibrated = (await predict.calibratedPredictor('gold_6240', 'nasbench201'))!;
    expect(calibrated).toMatchObject({ calibrationId: cal.body.id, referenceArchs: refs });
    expect(calibrated.shots.size).toBe(10);
    const [first] = calibrated.predictor.predict(calibrated.calibration, [calibrated.features(ARCHS[0])]);
    expect(first.ms).toBeCloseTo(res.body.predictions[0].ms, 6);
    expect(await predict.calibratedPredictor('pixel3', 'nasbench201')).toBeNull();
  });

  it('refuses bad prediction requests naming the field', async () => {
    const predict = (body: object) => t.admin().post('/predict/latency').send(body);
    const bad = await predict({
      searchSpace: 'nasbench201',
      device: 'gold_6240',
      archs: [ARCHS[0], ARCHS[1].replace('nor_conv_', 'conv_9x9_')],
    }).expect(400);
    expect(bad.body.field).toMatch(/^archs\[1\]/);
    const space = await predict({ searchSpace: 'nasbench999', device: 'gold_6240', archs: ARCHS }).expect(
      404,
    );
    expect(space.body.field).toBe('searchSpace');
    const device = await predict({ searchSpace: 'nasbench201', device: 'pixel9', archs: ARCHS }).expect(404);
    expect(device.body.field).toBe('device');
    const many = await predict({
      searchSpace: 'nasbench201',
      device: 'gold_6240',
      archs: Array(10_001).fill(ARCHS[0]),
    }).expect(400);
    expect(many.body.field).toBe('archs');
    const uncalibrated = await predict({ searchSpace: 'nasbench201', device: 'pixel3', archs: ARCHS }).expect(
      409,
    );
    expect(uncalibrated.body.field).toBe('device');
  });

  it('refuses bad calibration requests naming the field, storing nothing', async () => {
    const calibrate = (device: string, body: object) =>
      t.admin().post(`/devices/${device}/calibrate`).send(body);
    expect((await calibrate('pixel9', { searchSpace: 'nasbench201' }).expect(404)).body.field).toBe('id');
    expect((await calibrate('pixel3', { searchSpace: 'nasbench999' }).expect(404)).body.field).toBe(
      'searchSpace',
    );
    expect((await calibrate('pixel3', { searchSpace: 'fbnet' }).expect(422)).body.field).toBe('searchSpace');
    expect(
      (await calibrate('pixel3', { searchSpace: 'nasbench201', samples: 1000 }).expect(400)).body.field,
    ).toBe('samples');
    expect(await calibrationCount('pixel3')).toBe(0);
    await t.admin().get('/calibrations/00000000-0000-4000-8000-000000000000').expect(404);
    await t.admin().get('/predictors/nope').expect(404);
  });
});
