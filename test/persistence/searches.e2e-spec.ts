import type { DataSource } from 'typeorm';
import {
  ApiKeysRepository,
  createDataSource,
  runMigrations,
  SearchesRepository,
  type SearchEntity,
} from '@tailor/persistence';
import { dbTargets, type TestDatabase } from './support/db-targets';
import { evaluations, newKey } from './support/fixtures';

jest.setTimeout(120_000);

describe.each(dbTargets())('SearchesRepository on $name', ({ create, embedded }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let searches: SearchesRepository;
  let owner: string;
  let other: string;

  beforeAll(async () => {
    db = await create();
    await runMigrations(db.url, embedded);
    ds = await createDataSource({ url: db.url, embedded });
    searches = new SearchesRepository(ds);
    const keys = new ApiKeysRepository(ds);
    owner = (await newKey(keys)).id;
    other = (await newKey(keys)).id;
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  const newSearch = (ownerKeyId = owner): Promise<SearchEntity> =>
    searches.create({
      ownerKeyId,
      request: { algorithm: 'evolution', budget: 100 },
      progress: { evaluations: 0 },
    });

  it('creates queued searches and lists them newest first with filters and totals', async () => {
    const a = await newSearch();
    const b = await newSearch();
    const c = await newSearch(other);
    expect(a).toMatchObject({
      status: 'queued',
      attempts: 0,
      best: null,
      result: null,
      checkpoint: null,
      error: null,
    });
    expect(a.createdAt).toBeInstanceOf(Date);
    expect(await searches.get(a.id)).toEqual(a);

    const mine = await searches.list({ ownerKeyId: owner, limit: 1, offset: 0 });
    expect(mine.total).toBe(2);
    expect(mine.items.map((s) => s.id)).toEqual([b.id]);
    expect((await searches.list({ ownerKeyId: owner, limit: 10, offset: 1 })).items.map((s) => s.id)).toEqual(
      [a.id],
    );
    expect((await searches.list({ status: 'queued', limit: 10, offset: 0 })).total).toBe(3);
    expect((await searches.list({ ownerKeyId: other, limit: 10, offset: 0 })).items.map((s) => s.id)).toEqual(
      [c.id],
    );
    await expect(newSearch('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('markStarted is a compare-and-set: one of two concurrent claims wins', async () => {
    const s = await newSearch();
    const claims = await Promise.all([searches.markStarted(s.id), searches.markStarted(s.id)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const started = claims.find(Boolean)!;
    expect(started).toMatchObject({ status: 'running', attempts: 1 });
    expect(started.startedAt).toBeInstanceOf(Date);

    // Resume after a restart: claim a running search by the attempts count read beforehand.
    const resumes = await Promise.all([searches.markStarted(s.id, 1), searches.markStarted(s.id, 1)]);
    expect(resumes.filter(Boolean)).toHaveLength(1);
    const resumed = resumes.find(Boolean)!;
    expect(resumed.attempts).toBe(2);
    expect(resumed.startedAt).toEqual(started.startedAt);
    expect(await searches.markStarted(s.id)).toBeNull();

    await searches.update(s.id, { status: 'succeeded', finishedAt: new Date() });
    expect(await searches.markStarted(s.id, 2)).toBeNull();
  });

  it('saveRound stores a round atomically, keeps Infinity, and is idempotent on retry', async () => {
    const s = await newSearch();
    await searches.markStarted(s.id);
    const round1 = evaluations(0, 1000);
    const started = Date.now();
    const first = await searches.saveRound(s.id, round1, {
      checkpoint: { generation: 1, rng: [1, 2, 3] },
      progress: { evaluations: 1000 },
      best: { archKey: 'a1', violation: 0 },
    });
    const ms = Date.now() - started;
    console.log(`[${embedded ? 'embedded' : 'postgres'}] saveRound of 1,000 evaluations: ${ms} ms`);
    expect(first).toEqual({ inserted: 1000 });
    const retry = await searches.saveRound(s.id, round1, {
      checkpoint: { generation: 1, rng: [1, 2, 3] },
      progress: { evaluations: 1000 },
      best: { archKey: 'a1', violation: 0 },
    });
    expect(retry).toEqual({ inserted: 0 });
    expect(await searches.countEvaluations(s.id)).toBe(1000);

    const stored = await searches.listEvaluations(s.id);
    expect(
      stored.map(({ seq, archKey, arch, metrics, violation, feasible }) => ({
        seq,
        archKey,
        arch,
        metrics,
        violation,
        feasible,
      })),
    ).toEqual(round1);
    expect(stored[0].violation).toBe(Infinity);
    expect((await searches.listEvaluations(s.id, { limit: 2, offset: 10 })).map((e) => e.seq)).toEqual([
      10, 11,
    ]);

    const after = await searches.get(s.id);
    expect(after).toMatchObject({
      checkpoint: { generation: 1, rng: [1, 2, 3] },
      progress: { evaluations: 1000 },
    });
    expect(after!.updatedAt.getTime()).toBeGreaterThanOrEqual(after!.createdAt.getTime());
  });

  it('saveRound writes nothing when the search is gone or a record is rejected', async () => {
    await expect(
      searches.saveRound('00000000-0000-4000-8000-000000000000', evaluations(0, 3), {
        checkpoint: null,
        progress: {},
        best: null,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const s = await newSearch();
    const bad = evaluations(0, 3);
    (bad[2] as { archKey: unknown }).archKey = null;
    await expect(
      searches.saveRound(s.id, bad, {
        checkpoint: { generation: 9 },
        progress: { evaluations: 3 },
        best: null,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await searches.countEvaluations(s.id)).toBe(0);
    expect((await searches.get(s.id))?.checkpoint).toBeNull();
  });

  it('update supports a status guard; listByStatus finds work to resume; deleting cascades', async () => {
    const s = await newSearch();
    expect(await searches.update(s.id, { status: 'cancelled' }, { status: ['succeeded'] })).toBeNull();
    const cancelled = await searches.update(
      s.id,
      { status: 'cancelled', finishedAt: new Date() },
      { status: ['queued', 'running'] },
    );
    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(await searches.update('00000000-0000-4000-8000-000000000000', { error: 'x' })).toBeNull();

    const open = await searches.listByStatus(['queued', 'running']);
    expect(open.every((x) => x.status === 'queued' || x.status === 'running')).toBe(true);
    expect(open.map((x) => x.createdAt.getTime())).toEqual(
      [...open.map((x) => x.createdAt.getTime())].sort((a, b) => a - b),
    );

    const withEvals = await newSearch();
    await searches.saveRound(withEvals.id, evaluations(0, 5), { checkpoint: null, progress: {}, best: null });
    await ds.query('DELETE FROM searches WHERE id = $1', [withEvals.id]);
    expect(await searches.countEvaluations(withEvals.id)).toBe(0);
  });
});
