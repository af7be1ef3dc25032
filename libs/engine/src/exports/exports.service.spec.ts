import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import { MANIFEST_FILE } from '@tailor/nn';
import type {
  DevicesRepository,
  ExportRow,
  ExportsRepository,
  SearchesRepository,
  SupernetRow,
  SupernetsRepository,
} from '@tailor/persistence';
import type { JobQueue } from '@tailor/queue';
import { SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';
import type { SearchSpacesService } from '../search-spaces/search-spaces.service';
import { ExportsService } from './exports.service';

const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('fmnist-mbv3');
const SUPERNET = '00000000-0000-4000-8000-000000000001';
const EXPORT = '5b0c8a52-3f0e-4d1a-9c61-2f3e9a0b7c11';
const SMALLEST = 'w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x';
const work = mkdtempSync(join(tmpdir(), 'tailor-exports-service-'));
const checkpointDir = join(work, 'supernet');
mkdirSync(checkpointDir);
writeFileSync(join(checkpointDir, MANIFEST_FILE), '{}');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const supernetRow = (patch: Partial<SupernetRow> = {}) =>
  ({ id: SUPERNET, searchSpace: 'fmnist-mbv3', status: 'succeeded', checkpointDir, ...patch }) as SupernetRow;
const LARGEST = 'w1.0-d3,3,3,3-ks7,7,7,7,7,7,7,7,7,7,7,7-e4,4,4,4,4,4,4,4,4,4,4,4';
const SEARCH = '00000000-0000-4000-8000-000000000002';
const candidate = (key: string) => ({ key, arch: key, metrics: {}, feasible: true, evaluation: 1 });
const searchRow = (patch: Record<string, unknown> = {}) => ({
  id: SEARCH,
  status: 'succeeded',
  request: {
    searchSpace: 'fmnist-mbv3',
    constraints: [{ metric: 'latency', device: 'farm-1', max: 5 }],
  },
  result: { best: candidate(SMALLEST), topK: [candidate(SMALLEST), candidate(LARGEST)], pareto: [] },
  ...patch,
});
const file = { name: 'model.onnx', bytes: 3, sha256: 'abc' };
const exportRow = (patch: Partial<ExportRow> = {}): ExportRow => ({
  id: EXPORT,
  supernetId: SUPERNET,
  searchSpace: 'fmnist-mbv3',
  arch: SMALLEST,
  formats: ['onnx'],
  status: 'succeeded',
  progress: null,
  result: { onnx: { opset: 13, files: [file], accuracy: 0.8 } },
  dir: work,
  error: null,
  createdBy: null,
  searchId: null,
  candidateIndex: null,
  deviceId: null,
  createdAt: new Date(0),
  startedAt: null,
  finishedAt: null,
  ...patch,
});

function setup() {
  const exports = {
    create: jest.fn(async (_e: unknown, dirOf: (id: string) => string) =>
      exportRow({ status: 'queued', result: null, dir: dirOf(EXPORT) }),
    ),
    remove: jest.fn(async () => undefined),
    get: jest.fn(async () => exportRow()),
  };
  const supernets = {
    get: jest.fn(async () => supernetRow()),
    list: jest.fn(async () => [supernetRow()]),
  };
  const searches = { get: jest.fn(async () => searchRow()) };
  const devices = {
    get: jest.fn(async (id: string) =>
      id === 'farm-1'
        ? { device: { id, kind: 'farm' } }
        : id === 'pixel3'
          ? { device: { id, kind: 'recorded' } }
          : null,
    ),
  };
  const queue = { add: jest.fn(async () => undefined) };
  const spaces = { get: jest.fn(() => space) };
  const service = new ExportsService(
    exports as unknown as ExportsRepository,
    supernets as unknown as SupernetsRepository,
    searches as unknown as SearchesRepository,
    devices as unknown as DevicesRepository,
    spaces as unknown as SearchSpacesService,
    queue as unknown as JobQueue,
    { dataDir: '/data' } as TailorConfig,
  );
  return { exports, supernets, searches, queue, service };
}
const user = { keyId: 'key-1', name: 'u', role: 'user' as const };

describe('ExportsService.create', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('stores the canonical arch and formats, in a folder under the data dir, and enqueues the job', async () => {
    const { exports, queue, service } = setup();
    const structured = { w: 0.75, d: [1, 1, 1, 1], ks: Array(12).fill(3), e: Array(12).fill(2) };
    const view = await service.create(
      { supernet: SUPERNET, arch: structured, formats: ['tfjs', 'onnx'] },
      user,
    );
    expect(exports.create.mock.calls[0][0]).toEqual({
      supernetId: SUPERNET,
      searchSpace: 'fmnist-mbv3',
      arch: SMALLEST,
      formats: ['onnx', 'tfjs'],
      deviceId: null,
      createdBy: 'key-1',
    });
    expect(view).toMatchObject({
      id: EXPORT,
      status: 'queued',
      dir: join('/data', 'exports', EXPORT),
      downloads: null,
    });
    expect(queue.add).toHaveBeenCalledWith('exports', { exportId: EXPORT }, { jobId: EXPORT, attempts: 1 });
  });

  it.each<[string, string, string, Partial<SupernetRow> | null, Record<string, unknown>]>([
    ['an unknown supernet', 'NOT_FOUND', 'supernet', null, {}],
    ['a supernet still training', 'CONFLICT', 'supernet', { status: 'running' }, {}],
    ['a cancelled supernet', 'CONFLICT', 'supernet', { status: 'cancelled' }, {}],
    ['a supernet without weights', 'UNPROCESSABLE', 'supernet', { checkpointDir: join(work, 'empty') }, {}],
    ['a malformed arch', 'INVALID_ARGUMENT', 'arch', {}, { arch: 'w0.75' }],
    [
      'an expand ratio the space lacks',
      'INVALID_ARGUMENT',
      'arch.e[0]',
      {},
      { arch: SMALLEST.replace('e2', 'e6') },
    ],
    ['a missing arch', 'INVALID_ARGUMENT', 'arch', {}, { arch: undefined }],
    ['no formats', 'INVALID_ARGUMENT', 'formats', {}, { formats: [] }],
    ['an unknown format', 'INVALID_ARGUMENT', 'formats[1]', {}, { formats: ['onnx', 'coreml'] }],
    ['an unknown device', 'NOT_FOUND', 'device', {}, { device: 'nope' }],
    ['a recorded (table) device', 'UNPROCESSABLE', 'device', {}, { device: 'pixel3' }],
    ['a device that is not a string', 'INVALID_ARGUMENT', 'device', {}, { device: 3 }],
  ])('refuses %s with %s naming %s, storing nothing', async (_, code, field, supernet, patch) => {
    const { exports, supernets, queue, service } = setup();
    supernets.get.mockResolvedValueOnce(supernet === null ? (null as never) : supernetRow(supernet));
    const req = { supernet: SUPERNET, arch: SMALLEST, ...patch };
    await expect(service.create(req, user)).rejects.toMatchObject({ code, field });
    expect(exports.create).not.toHaveBeenCalled();
    expect(queue.add).not.toHaveBeenCalled();
  });

  it('removes the row when the queue refuses the job', async () => {
    const { exports, queue, service } = setup();
    queue.add.mockRejectedValueOnce(new Error('redis down'));
    await expect(service.create({ supernet: SUPERNET, arch: SMALLEST }, user)).rejects.toThrow('redis down');
    expect(exports.remove).toHaveBeenCalledWith(EXPORT);
  });
});

describe('ExportsService.createFromSearch', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it("exports candidate N (0 = the answer, then the rest of the top-k) measured on the search's farm device", async () => {
    const { exports, service } = setup();
    await service.createFromSearch({ search: SEARCH, candidate: 1, formats: ['onnx'] }, user);
    expect(exports.create.mock.calls[0][0]).toEqual({
      supernetId: SUPERNET,
      searchSpace: 'fmnist-mbv3',
      arch: LARGEST,
      formats: ['onnx'],
      deviceId: 'farm-1',
      searchId: SEARCH,
      candidateIndex: 1,
      createdBy: 'key-1',
    });
  });

  it('indexes the validated candidates when the search has them, from their supernet', async () => {
    const { exports, searches, service } = setup();
    const validated = { supernetId: SUPERNET, candidates: [candidate(LARGEST)] };
    searches.get.mockResolvedValueOnce(searchRow({ result: { ...searchRow().result, validated } }));
    await service.createFromSearch({ search: SEARCH }, user);
    expect(exports.create.mock.calls[0][0]).toMatchObject({ arch: LARGEST, candidateIndex: 0 });
  });

  it.each<[string, string, string, Record<string, unknown> | null, Record<string, unknown>]>([
    ['an unknown search', 'NOT_FOUND', 'id', null, {}],
    ['a running search', 'CONFLICT', 'id', { status: 'running' }, {}],
    ['a candidate past the last', 'NOT_FOUND', 'candidate', {}, { candidate: 2 }],
    ['a negative candidate', 'INVALID_ARGUMENT', 'candidate', {}, { candidate: -1 }],
    ['an unknown format', 'INVALID_ARGUMENT', 'formats[0]', {}, { formats: ['pt'] }],
  ])('refuses %s with %s naming %s, storing nothing', async (_, code, field, search, patch) => {
    const { exports, searches, service } = setup();
    searches.get.mockResolvedValueOnce(search === null ? (null as never) : searchRow(search));
    await expect(service.createFromSearch({ search: SEARCH, ...patch }, user)).rejects.toMatchObject({
      code,
      field,
    });
    expect(exports.create).not.toHaveBeenCalled();
  });

  it('refuses a search whose space has no usable supernet with CONFLICT', async () => {
    const { supernets, service } = setup();
    supernets.list.mockResolvedValueOnce([supernetRow({ status: 'running' })]);
    await expect(service.createFromSearch({ search: SEARCH }, user)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/no succeeded supernet of fmnist-mbv3/),
    });
  });
});

describe('ExportsService.download', () => {
  it('describes the file with its attachment name, type, size and hash', async () => {
    const { service } = setup();
    writeFileSync(join(work, 'model.onnx'), 'abc');
    expect(await service.download(EXPORT, 'onnx')).toEqual({
      path: join(work, 'model.onnx'),
      fileName: 'w0.75-d1111-ks3333-e2222-5b0c8a52.onnx',
      contentType: 'application/octet-stream',
      bytes: 3,
      sha256: 'abc',
    });
  });

  it.each<[string, string, string, Partial<ExportRow> | null, string]>([
    ['an unknown export', 'NOT_FOUND', 'id', null, 'onnx'],
    ['an unknown format', 'INVALID_ARGUMENT', 'format', {}, 'pt'],
    ['a queued export', 'CONFLICT', 'id', { status: 'queued', result: null }, 'onnx'],
    ['a failed export', 'CONFLICT', 'id', { status: 'failed' }, 'onnx'],
    ['a format not exported', 'NOT_FOUND', 'format', {}, 'tfjs'],
    ['a file gone from disk', 'NOT_FOUND', 'id', { dir: join(work, 'gone') }, 'onnx'],
  ])('refuses %s with %s naming %s', async (_, code, field, row, format) => {
    const { exports, service } = setup();
    exports.get.mockResolvedValueOnce(row === null ? (null as never) : exportRow(row));
    await expect(service.download(EXPORT, format)).rejects.toMatchObject({ code, field });
  });
});
