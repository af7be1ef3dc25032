import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import { DEFAULT_TRAINING, MANIFEST_FILE, SUPERNET_FORMAT, SUPERNET_FORMAT_VERSION } from '@tailor/nn';
import type { SupernetRow, SupernetsRepository } from '@tailor/persistence';
import type { JobQueue } from '@tailor/queue';
import type { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { SupernetsService } from './supernets.service';

const ID = '00000000-0000-4000-8000-000000000001';
const rowOf = (patch: Partial<SupernetRow> = {}): SupernetRow => ({
  id: ID,
  searchSpace: 'fmnist-mbv3',
  status: 'queued',
  source: 'trained',
  config: {},
  progress: null,
  history: [],
  checkpointDir: `/data/supernets/${ID}`,
  error: null,
  createdBy: 'key-1',
  createdAt: new Date(0),
  startedAt: null,
  finishedAt: null,
  ...patch,
});

function setup() {
  const repo = {
    create: jest.fn(async (_s: unknown, dirOf: (id: string) => string) =>
      rowOf({ checkpointDir: dirOf(ID) }),
    ),
    createShipped: jest.fn(async (s: Partial<SupernetRow>) => rowOf({ ...s, status: 'succeeded' })),
    remove: jest.fn(async () => undefined),
    get: jest.fn(async () => rowOf()),
    update: jest.fn(async () => true),
  };
  const queue = { add: jest.fn(async () => undefined) };
  const spaces = { get: jest.fn((id: string) => ({ id, spec: {} })) };
  const service = new SupernetsService(
    repo as unknown as SupernetsRepository,
    spaces as unknown as SearchSpacesService,
    queue as unknown as JobQueue,
    { dataDir: '/data' } as TailorConfig,
  );
  return { repo, queue, service };
}
const user = { keyId: 'key-1', name: 'u', role: 'user' as const };

describe('SupernetsService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('stores a queued job with its checkpoint folder under the data dir and enqueues it', async () => {
    const { repo, queue, service } = setup();
    const view = await service.create(
      { searchSpace: 'fmnist-mbv3', batchSize: 16, imagesPerEpoch: 32 },
      user,
    );
    expect(repo.create.mock.calls[0][0]).toMatchObject({
      searchSpace: 'fmnist-mbv3',
      createdBy: 'key-1',
      config: { ...DEFAULT_TRAINING, batchSize: 16, imagesPerEpoch: 32 },
    });
    expect(view.checkpoint).toEqual({ dir: join('/data', 'supernets', ID) });
    expect(queue.add).toHaveBeenCalledWith('supernets', { supernetId: ID }, { jobId: ID, attempts: 1 });
  });

  it('writes nothing for a bad request, and removes the row when the queue refuses the job', async () => {
    const { repo, queue, service } = setup();
    await expect(service.create({ searchSpace: 'fmnist-mbv3', batchSize: 0 }, user)).rejects.toMatchObject({
      field: 'batchSize',
    });
    expect(repo.create).not.toHaveBeenCalled();
    queue.add.mockRejectedValueOnce(new Error('redis down'));
    await expect(service.create({ searchSpace: 'fmnist-mbv3' }, user)).rejects.toThrow('redis down');
    expect(repo.remove).toHaveBeenCalledWith(ID);
  });

  it('lets only the creator or an admin cancel, and only an unfinished job', async () => {
    const { repo, service } = setup();
    await expect(service.cancel(ID, { ...user, keyId: 'key-2' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await service.cancel(ID, { ...user, keyId: 'key-2', role: 'admin' });
    expect(repo.update).toHaveBeenCalledWith(ID, expect.objectContaining({ status: 'cancelled' }), [
      'queued',
    ]);
    repo.get.mockResolvedValueOnce(rowOf({ status: 'succeeded' }));
    await expect(service.cancel(ID, user)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  describe('registerShipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailor-shipped-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const manifest = (spaceId: string, done: boolean) =>
      writeFileSync(
        join(dir, MANIFEST_FILE),
        JSON.stringify({
          format: SUPERNET_FORMAT,
          version: SUPERNET_FORMAT_VERSION,
          spaceId,
          tensors: [],
          state: {
            config: DEFAULT_TRAINING,
            phaseIndex: 3,
            epoch: 0,
            step: 0,
            history: [],
            done,
            seconds: 9,
          },
          savedAt: '2026-01-02T03:04:05.000Z',
        }),
      );

    it('skips a folder without a checkpoint or still training, and refuses another space', async () => {
      const { repo, service } = setup();
      expect(await service.registerShipped('fmnist-mbv3', dir)).toBeNull();
      manifest('fmnist-mbv3', false);
      expect(await service.registerShipped('fmnist-mbv3', dir)).toBeNull();
      manifest('ofa-mbv3', true);
      await expect(service.registerShipped('fmnist-mbv3', dir)).rejects.toMatchObject({
        field: 'checkpoint',
      });
      expect(repo.createShipped).not.toHaveBeenCalled();
    });

    it('registers a finished checkpoint as succeeded, pointing at the folder', async () => {
      const { repo, service } = setup();
      manifest('fmnist-mbv3', true);
      const view = await service.registerShipped('fmnist-mbv3', dir);
      expect(repo.createShipped).toHaveBeenCalledWith({
        searchSpace: 'fmnist-mbv3',
        config: DEFAULT_TRAINING,
        progress: null,
        history: [],
        checkpointDir: dir,
        finishedAt: new Date('2026-01-02T03:04:05.000Z'),
      });
      expect(view).toMatchObject({ status: 'succeeded', checkpoint: { dir } });
      repo.createShipped.mockResolvedValueOnce(null as never);
      expect(await service.registerShipped('fmnist-mbv3', dir)).toBeNull();
    });
  });
});
