import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CalibrationsService } from '@tailor/engine';
import { startTestServer, type TestServer, waitForJob } from '../support/test-server';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '../..');
const SHIPPED = join(ROOT, 'device-farm/data/fmnist-mbv3-predictor.json');
const FARM_TABLE = join(ROOT, 'device-farm/data/fmnist-mbv3-farm.json');
const shipped = JSON.parse(readFileSync(SHIPPED, 'utf8'));

describe('shipped and imported predictor files', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-import-'));
  let t: TestServer | undefined;

  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serve imports the shipped fmnist-mbv3 predictor once, as a succeeded version', async () => {
    t = await startTestServer({ dataDir, shippedPredictors: true, imports: [FARM_TABLE] });
    const list = (await t.admin().get('/predictors?searchSpace=fmnist-mbv3').expect(200)).body;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      searchSpace: 'fmnist-mbv3',
      version: 1,
      status: 'succeeded',
      sourceDevices: shipped.sources,
      validationDevices: Object.keys(shipped.validation),
      validation: shipped.validation,
      progress: {
        percent: 100,
        imported: { trainFile: { name: 'fmnist-mbv3-farm.json' }, trainedAt: shipped.trainedAt },
      },
    });
    // A restart finds it there and imports nothing.
    await t.close();
    t = await startTestServer({ dataDir, shippedPredictors: true });
    expect((await t.admin().get('/predictors?searchSpace=fmnist-mbv3').expect(200)).body).toHaveLength(1);
  });

  it('the imported predictor calibrates a device and predicts for it', async () => {
    const admin = t!.admin();
    const cal = await admin
      .post('/devices/farm_onnxruntime_t2_b1/calibrate')
      .send({ searchSpace: 'fmnist-mbv3', samples: 10, validationArchs: 5 })
      .expect(202);
    expect(cal.body.predictor).toMatchObject({ version: 1 });
    const { body: done } = await waitForJob(admin, `/calibrations/${cal.body.id}`, 60_000);
    expect(done.status).toBe('succeeded');
    const archs = shipped.snapshot.referenceArchs.slice(0, 2);
    const res = await admin
      .post('/predict/latency')
      .send({ searchSpace: 'fmnist-mbv3', device: 'farm_onnxruntime_t2_b1', archs })
      .expect(200);
    expect(res.body).toMatchObject({ predictor: { version: 1 }, calibration: { id: cal.body.id } });
    expect(res.body.predictions).toHaveLength(2);
    for (const p of res.body.predictions) expect(p.low).toBeLessThanOrEqual(p.ms);
  });

  it('ensureCalibrated (serve --agents at start) queues a calibration only when the device has none', async () => {
    const calibrations = t!.server.app.get(CalibrationsService);
    const req = { searchSpace: 'fmnist-mbv3', samples: 10, validationArchs: 5 };
    expect(await calibrations.ensureCalibrated('farm_onnxruntime_t2_b1', req)).toMatchObject({
      state: 'calibrated',
      predictorVersion: 1,
    });
    const queued = await calibrations.ensureCalibrated('farm_tfjs_wasm_t1_b16', req);
    expect(queued).toMatchObject({ state: 'queued', predictorVersion: 1 });
    const again = await calibrations.ensureCalibrated('farm_tfjs_wasm_t1_b16', req);
    expect(['pending', 'calibrated']).toContain(again.state);
    expect(again).toMatchObject({ calibrationId: (queued as { calibrationId: string }).calibrationId });
    expect(
      await calibrations.ensureCalibrated('farm_tfjs_wasm_t1_b16', { ...req, searchSpace: 'fbnet' }),
    ).toEqual({ state: 'no-predictor' });
  });

  it('POST /predictors/import registers a file as the next version (admin only, checked whole)', async () => {
    const admin = t!.admin();
    const file = Buffer.from(JSON.stringify(shipped));
    const user = (await admin.post('/api-keys').send({ name: 'user' }).expect(201)).body.key;
    await t!.as(user).post('/predictors/import').attach('file', file, 'p.json').expect(403);
    const bad = Buffer.from(JSON.stringify({ ...shipped, format: 'help' }));
    const refused = await admin.post('/predictors/import').attach('file', bad, 'bad.json').expect(400);
    expect(refused.body).toMatchObject({ field: 'format' });
    await admin
      .post('/predictors/import')
      .attach('file', Buffer.from('{nope'), 'x.json')
      .expect(400)
      .expect((r) => expect(r.body.field).toBe('file'));
    await admin.post('/predictors/import').expect(400);
    const imported = await admin.post('/predictors/import').attach('file', file, 'p.json').expect(201);
    expect(imported.body).toMatchObject({ searchSpace: 'fmnist-mbv3', version: 2, status: 'succeeded' });
    expect((await admin.get('/predictors?searchSpace=fmnist-mbv3').expect(200)).body).toHaveLength(2);
  });
});
