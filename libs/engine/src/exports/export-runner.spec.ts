import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { TailorConfig } from '@tailor/config';
import type {
  ExportRow,
  ExportsRepository,
  SearchesRepository,
  SupernetsRepository,
} from '@tailor/persistence';
import type { FarmLatencyService } from '../farm/farm-latency.service';
import type { ExportStage } from './export-build';
import type { ExportResult } from './export-result';
import { ExportRunner } from './export-runner';
import { buildExportInThread } from './export-thread';

jest.mock('./export-thread', () => ({ buildExportInThread: jest.fn() }));
const build = buildExportInThread as jest.MockedFunction<typeof buildExportInThread>;

const ID = '5b0c8a52-3f0e-4d1a-9c61-2f3e9a0b7c11';
const file = { name: 'model.onnx', bytes: 3, sha256: 'abc' };
const RESULT: ExportResult = {
  params: 0.06,
  flops: 1.6,
  calibration: { images: 2000, seed: 0 },
  testImages: 10_000,
  subnetAccuracy: 0.8,
  maxAbsDiff: 1e-6,
  onnx: { opset: 13, files: [file], accuracy: 0.8 },
  latency: null,
  seconds: 3,
};

/** `outcome` is called when the thread starts, so a rejection is never left unhandled meanwhile. */
function setup(outcome: () => Promise<ExportResult>, patch: Record<string, unknown> = {}) {
  const row = {
    deviceId: null,
    searchId: null,
    id: ID,
    supernetId: 's',
    searchSpace: 'fmnist-mbv3',
    arch: 'a',
    formats: ['onnx'],
    status: 'queued',
    // Never created: the runner clears the folder before a run, which must not fail when it is absent.
    dir: join(tmpdir(), `tailor-export-runner-${process.pid}`),
    ...patch,
  };
  const exports = {
    get: jest.fn(async () => row as ExportRow),
    markStarted: jest.fn(async () => ({ ...row, status: 'running' }) as ExportRow),
    update: jest.fn(async (_id: string, _patch: Record<string, unknown>, _onlyIf: string[]) => true),
  };
  const supernets = { get: jest.fn(async () => ({ id: 's', checkpointDir: '/ckpt' })) };
  build.mockImplementation((input, onStage: (s: ExportStage) => void) => {
    for (const stage of ['recalibrating', 'extracting', 'writing', 'verifying'] as const) onStage(stage);
    return { result: outcome(), terminate: async () => undefined };
  });
  const searches = {
    get: jest.fn(async () => ({
      request: { constraints: [{ metric: 'latency', device: 'farm-1', max: 5 }] },
    })),
  };
  const farm = { latencies: jest.fn(async () => new Map([['a', 4.2]])) };
  const runner = new ExportRunner(
    exports as unknown as ExportsRepository,
    supernets as unknown as SupernetsRepository,
    searches as unknown as SearchesRepository,
    farm as unknown as FarmLatencyService,
    { dataDir: '/data', fashionMnistDir: '/fmnist', searchSpacesDir: '/spaces' } as TailorConfig,
  );
  return { exports, runner, farm };
}
const finalPatch = (exports: { update: jest.Mock }) => exports.update.mock.calls.at(-1);

describe('ExportRunner', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('passes the row and the evaluation sizes to the thread, writes each stage, then the result', async () => {
    const { exports, runner } = setup(async () => RESULT);
    runner.evaluation = { calibrationImages: 64, seed: 3, testImages: 100 };
    await runner.run(ID);
    expect(build.mock.calls[0][0]).toMatchObject({
      checkpointDir: '/ckpt',
      arch: 'a',
      formats: ['onnx'],
      calibrationImages: 64,
      seed: 3,
      testImages: 100,
    });
    const stages = exports.update.mock.calls
      .slice(0, 4)
      .map((c) => (c[1].progress as { stage: string }).stage);
    expect(stages).toEqual(['recalibrating', 'extracting', 'writing', 'verifying']);
    expect(finalPatch(exports)).toEqual([
      ID,
      { status: 'succeeded', result: RESULT, error: null, finishedAt: expect.any(Date) },
      ['running'],
    ]);
  });

  it("measures a verified export on its device, against its search's budget", async () => {
    const { exports, runner, farm } = setup(async () => RESULT, { deviceId: 'farm-1', searchId: 'srch' });
    await runner.run(ID);
    expect(farm.latencies).toHaveBeenCalledWith('farm-1', 'fmnist-mbv3', ['a'], expect.anything());
    expect(finalPatch(exports)![1]).toMatchObject({
      status: 'succeeded',
      result: { latency: { device: 'farm-1', ms: 4.2, budgetMs: 5, withinBudget: true } },
    });
  });

  it('keeps a verified export without latency when no agent measures it in time, saying why', async () => {
    const { exports, runner, farm } = setup(async () => RESULT, { deviceId: 'farm-1' });
    farm.latencies.mockResolvedValueOnce(new Map([['a', null]]) as never);
    runner.measureTimeoutMs = 0;
    await runner.run(ID);
    expect(finalPatch(exports)![1]).toMatchObject({
      status: 'succeeded',
      result: {
        latency: { device: 'farm-1', ms: null, budgetMs: null, error: expect.stringMatching(/no agent/) },
      },
    });
  });

  it('fails an export whose files disagree with the subnet, keeping the measurements', async () => {
    const bad = { ...RESULT, onnx: { ...RESULT.onnx!, accuracy: 0.79 } };
    const { exports, runner } = setup(async () => bad);
    await runner.run(ID);
    expect(finalPatch(exports)![1]).toMatchObject({
      status: 'failed',
      result: bad,
      error: expect.stringMatching(/^verification failed: ONNX accuracy 79\.00 % differs/),
    });
  });

  it('fails an export whose thread throws, with its message', async () => {
    const { exports, runner } = setup(async () => {
      throw new Error('Fashion-MNIST: not found');
    });
    await runner.run(ID);
    expect(finalPatch(exports)![1]).toMatchObject({ status: 'failed', error: 'Fashion-MNIST: not found' });
  });

  it('leaves a finished export alone', async () => {
    const { exports, runner } = setup(async () => RESULT);
    exports.get.mockResolvedValueOnce({ status: 'succeeded' } as ExportRow);
    await runner.run(ID);
    expect(exports.markStarted).not.toHaveBeenCalled();
  });
});
