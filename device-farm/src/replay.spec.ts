import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { loadReplayTable, ReplaySetupError, type ReplayTable } from './replay';
import { fakeTask } from './testing/fake-farm';

// The shared data lives beside the repository and is read in place, never copied in.
const HELP = path.resolve(__dirname, '../../../shared/data/help');
const NB201 = path.join(HELP, 'nasbench201.json');

describe('replay executor (HELP nasbench201.json)', () => {
  const registry = SearchSpaceRegistry.load(defaultSearchSpacesDir());
  const file = JSON.parse(fs.readFileSync(NB201, 'utf8')) as {
    archs: string[];
    devices: Record<string, number[]>;
  };
  let table: ReplayTable;
  beforeAll(() => (table = loadReplayTable(NB201, 'pixel3', registry)));

  it('describes the replayed device for registration', () => {
    expect(table.source).toMatchObject({
      device: 'pixel3',
      searchSpace: 'nasbench201',
      file: 'nasbench201.json',
      archCount: 15625,
    });
    expect(table.runtime).toEqual({ name: 'replay', version: '', threads: 1, batchSize: 1 });
    expect(loadReplayTable(NB201, '1080ti_256', registry).runtime.batchSize).toBe(256);
  });

  it('answers an arch of the table with its recorded latency as the single sample', async () => {
    const arch = file.archs[7];
    const out = await table.executor.execute(fakeTask('t1', 'nasbench201', arch));
    expect(out).toMatchObject({
      kind: 'result',
      result: {
        samples: [file.devices.pixel3[7]],
        buildMs: null,
        firstRunMs: null,
        remeasured: false,
        noisy: false,
        replayed: true,
      },
    });
  });

  it('refuses other search spaces and unparsable archs, for good', async () => {
    const other = await table.executor.execute(fakeTask('t2', 'fbnet', 'x'));
    expect(other).toMatchObject({ kind: 'failure', failure: { retryable: false } });
    if (other.kind === 'failure')
      expect(other.failure.reason).toMatch(/search space fbnet is not in replay table/);
    const bad = await table.executor.execute(fakeTask('t3', 'nasbench201', '|conv~0|'));
    expect(bad).toMatchObject({ kind: 'failure', failure: { retryable: false } });
  });

  it('fails an arch missing from the table naming the file and device', async () => {
    // A table with only the first arch, so every other arch is "not in the table".
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const small = path.join(dir, 'one.json');
    const {
      archs,
      devices,
      hardwareEmbeddingIndex: _h,
      splits: _s,
      ...rest
    } = JSON.parse(fs.readFileSync(NB201, 'utf8')) as Record<string, unknown> & {
      archs: string[];
      devices: Record<string, number[]>;
    };
    const one = { ...rest, numArchs: 1, archs: archs.slice(0, 1), devicesInThisFile: ['pixel3'] };
    fs.writeFileSync(
      small,
      JSON.stringify({ ...one, devices: { pixel3: devices.pixel3.slice(0, 1) }, deviceInfo: {} }),
    );
    try {
      const t = loadReplayTable(small, 'pixel3', registry);
      const out = await t.executor.execute(fakeTask('t4', 'nasbench201', file.archs[1]));
      expect(out).toEqual({
        kind: 'failure',
        failure: { reason: 'arch not in replay table one.json for device pixel3', retryable: false },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('setup errors name the file, or the device and the devices the file has', () => {
    expect(() => loadReplayTable(NB201, 'pixel9', registry)).toThrow(ReplaySetupError);
    expect(() => loadReplayTable(NB201, 'pixel9', registry)).toThrow(
      /--device pixel9: not a device of nasbench201\.json; it has .*pixel3/,
    );
    expect(() => loadReplayTable('/nope/missing.json', 'pixel3', registry)).toThrow(
      /--replay \/nope\/missing\.json: /,
    );
  });
});
