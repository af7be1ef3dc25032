import { createDataSourceOptions } from './data-source';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

describe('createDataSourceOptions', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/tailor';

  it('caps the embedded pool at one long-lived connection', () => {
    const options = createDataSourceOptions({ url, embedded: true, poolSize: 50 });
    expect(options.poolSize).toBe(1);
    expect(options.extra).toEqual({ idleTimeoutMillis: 0 });
  });

  it('uses a normal pool for an external server', () => {
    expect(createDataSourceOptions({ url, embedded: false }).poolSize).toBe(10);
    expect(createDataSourceOptions({ url, embedded: false, poolSize: 3 }).poolSize).toBe(3);
  });

  it('never touches the schema by itself', () => {
    const options = createDataSourceOptions({ url, embedded: false });
    expect(options).toMatchObject({
      type: 'postgres',
      url,
      synchronize: false,
      migrationsRun: false,
      migrationsTransactionMode: 'all',
      installExtensions: false,
    });
    expect(options.entities).toEqual([...ENTITIES]);
    expect(options.migrations).toEqual([...MIGRATIONS]);
  });

  it('names migrations with a timestamp, in order', () => {
    const stamps = MIGRATIONS.map((m) => Number(/(\d{13})$/.exec(m.name)?.[1]));
    expect(stamps.every((s) => Number.isFinite(s))).toBe(true);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
  });
});
