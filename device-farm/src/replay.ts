import * as fs from 'node:fs';
import * as path from 'node:path';
import { LatencyLookup, parseDatasetJson, parseLatencyTable, type LatencyDataset } from '@tailor/datasets';
import type { AgentRuntimeConfig, LeasedTask, ReplaySource } from '@tailor/farm';
import type { SearchSpaceRegistry } from '@tailor/search-spaces';
import { errorText, type TaskExecutor, type TaskOutcome } from './executor';

/** A replay file or device that cannot be served; exit code 2 like other setup problems. */
export class ReplaySetupError extends Error {
  override name = 'ReplaySetupError';
}

export interface ReplayTable {
  readonly source: ReplaySource;
  readonly runtime: AgentRuntimeConfig;
  readonly executor: ReplayExecutor;
}

/**
 * Loads a HELP-schema latency table (validated whole by @tailor/datasets, archs mapped to canonical
 * keys) and picks one device's column; any problem names the file and, for a missing device, lists
 * the devices the file has.
 */
export function loadReplayTable(file: string, device: string, registry: SearchSpaceRegistry): ReplayTable {
  const fileName = path.basename(file);
  let dataset: LatencyDataset;
  try {
    const json = parseDatasetJson(fs.readFileSync(file), fileName);
    dataset = parseLatencyTable(json, (id) => registry.get(id), { fileName });
  } catch (e) {
    throw new ReplaySetupError(`--replay ${file}: ${errorText(e)}`);
  }
  const recorded = dataset.devices.find((d) => d.id === device);
  if (!recorded) {
    throw new ReplaySetupError(
      `--device ${device}: not a device of ${fileName}; it has ${dataset.devices.map((d) => d.id).join(', ')}`,
    );
  }
  const lookup = LatencyLookup.forDevice(dataset, device);
  const source: ReplaySource = {
    device,
    // The Tailor id (the file's `ofa` becomes `ofa-mbv3`): tasks name spaces by Tailor id.
    searchSpace: dataset.searchSpace,
    file: fileName,
    archCount: lookup.size,
    ...(recorded.hardware ? { hardware: recorded.hardware } : {}),
  };
  return {
    source,
    runtime: { name: 'replay', version: '', threads: 1, batchSize: recorded.batchSize ?? 1 },
    executor: new ReplayExecutor(lookup, source, registry),
  };
}

/** Answers tasks from the recorded table: no model runs, one sample per task, flagged replayed. */
export class ReplayExecutor implements TaskExecutor {
  constructor(
    private readonly lookup: LatencyLookup,
    private readonly source: ReplaySource,
    private readonly registry: SearchSpaceRegistry,
  ) {}

  async execute(task: LeasedTask): Promise<TaskOutcome> {
    const startedAt = new Date().toISOString();
    const where = `replay table ${this.source.file} for device ${this.source.device}`;
    if (task.searchSpace !== this.source.searchSpace) {
      const reason = `search space ${task.searchSpace} is not in ${where} (it holds ${this.source.searchSpace})`;
      return { kind: 'failure', failure: { reason, retryable: false } };
    }
    let key: string;
    try {
      // Re-canonicalise: the table is keyed by canonical strings, the task should already be one.
      const space = this.registry.get(task.searchSpace, 'searchSpace');
      key = space.canonical(space.parse(task.arch, 'arch'));
    } catch (e) {
      return { kind: 'failure', failure: { reason: errorText(e), retryable: false } };
    }
    const value = this.lookup.get(key);
    if (value === undefined) {
      return { kind: 'failure', failure: { reason: `arch not in ${where}`, retryable: false } };
    }
    return {
      kind: 'result',
      medianMs: value,
      cv: 0,
      result: {
        samples: [value],
        buildMs: null,
        firstRunMs: null,
        remeasured: false,
        noisy: false,
        replayed: true,
        startedAt,
        finishedAt: new Date().toISOString(),
      },
    };
  }
}
