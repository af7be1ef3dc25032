import type { DataSource } from 'typeorm';
import { TailorError } from '@tailor/common';
import {
  ApiKeysRepository,
  createDataSource,
  DatabaseHealthRepository,
  DatasetsRepository,
  DevicesRepository,
  runMigrations,
  TablesRepository,
} from '@tailor/persistence';
import { dbTargets, type TestDatabase } from './support/db-targets';
import { archKeys, newDataset, newKey, values } from './support/fixtures';

jest.setTimeout(120_000);

describe.each(dbTargets())('catalog repositories on $name', ({ create, embedded }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let keys: ApiKeysRepository;
  let datasets: DatasetsRepository;
  let devices: DevicesRepository;
  let tables: TablesRepository;

  beforeAll(async () => {
    db = await create();
    await runMigrations(db.url, embedded);
    ds = await createDataSource({ url: db.url, embedded });
    keys = new ApiKeysRepository(ds);
    datasets = new DatasetsRepository(ds);
    devices = new DevicesRepository(ds);
    tables = new TablesRepository(ds);
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  const count = async (table: string): Promise<number> =>
    (await ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('pings', async () => {
    await expect(new DatabaseHealthRepository(ds).ping()).resolves.toBeUndefined();
  });

  it('api keys: create, find by hash, reject a duplicate hash, revoke, count admins', async () => {
    const admin = await newKey(keys, 'admin');
    const user = await newKey(keys, 'user');
    expect(admin.createdAt).toBeInstanceOf(Date);
    expect(admin.revokedAt).toBeNull();
    expect((await keys.findActiveByHash(user.keyHash))?.id).toBe(user.id);
    await expect(keys.create({ ...user, name: 'dup' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await keys.countActiveAdmins()).toBe(1);

    const revoked = await keys.revoke(admin.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await keys.revoke(admin.id)).revokedAt).toEqual(revoked.revokedAt);
    expect(await keys.findActiveByHash(admin.keyHash)).toBeNull();
    expect(await keys.countActiveAdmins()).toBe(0);
    expect((await keys.list()).map((k) => k.id)).toEqual([admin.id, user.id]);
    await expect(keys.revoke('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('imports a latency dataset and reads each table back aligned with its arch keys', async () => {
    const dataset = newDataset();
    const started = Date.now();
    const saved = await datasets.importLatency(dataset, [
      { id: 'pixel3', hardware: 'Snapdragon 845', info: { os: 'android' }, values: values(undefined, 1) },
      { id: 'rpi4', hardware: null, info: {}, values: values(undefined, 2) },
    ]);
    const importMs = Date.now() - started;
    expect(saved).toMatchObject({ kind: 'latency', searchSpace: 'nb201', sha256: dataset.sha256 });
    expect(saved.archKeys).toHaveLength(15_625);

    const started2 = Date.now();
    const table = await tables.getLatencyTable('pixel3', 'nb201');
    console.log(
      `[${db.embedded ? 'embedded' : 'postgres'}] latency import 2×15,625: ${importMs} ms; read one table: ${Date.now() - started2} ms`,
    );
    expect(table).toEqual({ archKeys: dataset.archKeys, values: values(undefined, 1), datasetId: saved.id });
    expect(await tables.getLatencyTable('pixel3', 'other-space')).toBeNull();

    const listed = await devices.list();
    expect(listed.map((d) => [d.device.id, d.device.kind, d.searchSpaces])).toEqual([
      ['pixel3', 'recorded', ['nb201']],
      ['rpi4', 'recorded', ['nb201']],
    ]);
    expect((await devices.get('pixel3'))?.device.hardware).toBe('Snapdragon 845');
    expect(await devices.get('nope')).toBeNull();

    const list = await datasets.list();
    expect(list).toHaveLength(1);
    expect((list[0] as { archKeys?: unknown }).archKeys).toBeUndefined();
    expect((await datasets.get(saved.id))?.archKeys).toEqual(dataset.archKeys);
  });

  it('a re-import of the same device and space replaces its table', async () => {
    const keysB = archKeys(10);
    const saved = await datasets.importLatency(newDataset({ archKeys: keysB, fileName: null }), [
      { id: 'pixel3', hardware: 'SD845', info: { os: 'android', v: 2 }, values: values(10, 5) },
    ]);
    expect(await tables.getLatencyTable('pixel3', 'nb201')).toEqual({
      archKeys: keysB,
      values: values(10, 5),
      datasetId: saved.id,
    });
    expect(await count('latency_tables')).toBe(2);
    const device = await devices.get('pixel3');
    expect(device?.device).toMatchObject({ hardware: 'SD845', info: { os: 'android', v: 2 } });
    expect(device!.device.updatedAt.getTime()).toBeGreaterThanOrEqual(device!.device.createdAt.getTime());
  });

  it('a failing latency import leaves nothing behind', async () => {
    const before = await Promise.all(['datasets', 'devices', 'latency_tables'].map(count));
    const tableBefore = await tables.getLatencyTable('rpi4', 'nb201');
    const error = await datasets
      .importLatency(newDataset({ archKeys: archKeys(3) }), [
        { id: 'rpi4', hardware: 'changed', info: {}, values: [1, 2, 3] },
        { id: 'newdev', hardware: null, info: {}, values: [1, 2, 3] },
        { id: 'Not A Slug!', hardware: null, info: {}, values: [1, 2, 3] },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TailorError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { constraint: 'ck_devices_id' } });
    expect(await Promise.all(['datasets', 'devices', 'latency_tables'].map(count))).toEqual(before);
    expect(await devices.get('newdev')).toBeNull();
    expect((await devices.get('rpi4'))?.device.hardware).toBeNull();
    expect(await tables.getLatencyTable('rpi4', 'nb201')).toEqual(tableBefore);
  });

  it('imports accuracy tables, replaces on re-import, and rolls back a failing one', async () => {
    const keysA = archKeys(100);
    const first = await datasets.importAccuracy(newDataset({ archKeys: keysA }), [
      { dataset: 'cifar10', values: values(100, 0.5), unit: 'top1' },
      { dataset: 'cifar100', values: values(100, 0.25), unit: 'top1' },
    ]);
    expect(first.kind).toBe('accuracy');
    expect(await tables.getAccuracyTable('nb201', 'cifar100')).toEqual({
      archKeys: keysA,
      values: values(100, 0.25),
      datasetId: first.id,
    });
    const second = await datasets.importAccuracy(newDataset({ archKeys: keysA }), [
      { dataset: 'cifar100', values: values(100, 0.75), unit: 'percent' },
    ]);
    expect((await tables.getAccuracyTable('nb201', 'cifar100'))?.datasetId).toBe(second.id);
    expect((await tables.listAccuracyDatasets('nb201')).map((t) => [t.dataset, t.unit])).toEqual([
      ['cifar10', 'top1'],
      ['cifar100', 'percent'],
    ]);
    expect(await tables.getAccuracyTable('nb201', 'imagenet')).toBeNull();

    const before = await Promise.all(['datasets', 'accuracy_tables'].map(count));
    await expect(
      datasets.importAccuracy(newDataset({ archKeys: keysA }), [
        { dataset: 'imagenet', values: values(100), unit: 'top1' },
        { dataset: 'imagenet', values: values(100), unit: 'top5' },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await Promise.all(['datasets', 'accuracy_tables'].map(count))).toEqual(before);
  });
});
