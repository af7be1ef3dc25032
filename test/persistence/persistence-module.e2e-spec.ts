import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import {
  ApiKeysRepository,
  DatabaseHealthRepository,
  DatasetsRepository,
  DevicesRepository,
  PersistenceModule,
  runMigrations,
  SearchesRepository,
  TablesRepository,
} from '@tailor/persistence';
import { dbTargets, type TestDatabase } from './support/db-targets';
import { newKey } from './support/fixtures';

jest.setTimeout(120_000);

describe.each(dbTargets())('PersistenceModule on $name', ({ create, embedded }) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await create();
    await runMigrations(db.url, embedded);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('provides the DataSource and repositories globally and closes the pool on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ url: db.url, embedded })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const dataSource = app.get(DataSource);
    expect(dataSource.isInitialized).toBe(true);
    for (const repository of [
      ApiKeysRepository,
      DatasetsRepository,
      DevicesRepository,
      TablesRepository,
      SearchesRepository,
      DatabaseHealthRepository,
    ]) {
      expect(app.get(repository)).toBeInstanceOf(repository);
    }
    const key = await newKey(app.get(ApiKeysRepository), 'admin');
    expect(await app.get(ApiKeysRepository).countActiveAdmins()).toBe(1);
    await app.get(DatabaseHealthRepository).ping();
    await app.close();
    expect(dataSource.isInitialized).toBe(false);

    // The single embedded connection was really given back: a new consumer can connect.
    expect(await runMigrations(db.url, embedded)).toEqual([]);
    expect(key.role).toBe('admin');
  });
});
