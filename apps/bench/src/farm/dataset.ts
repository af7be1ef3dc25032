/**
 * Part 3, dataset: every runtime config measures the same fmnist-mbv3 archs (reference archs first),
 * one agent at a time, and the medians become a HELP-schema latency file under device-farm/data/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configLabel, type RuntimeConfig } from './args';
import { datasetArchs } from './archs';
import {
  buildFile,
  deviceName,
  type DeviceInfo,
  readPrevious,
  validateFile,
  writeFile,
} from './dataset-file';
import type { Api } from './http';
import { measureBatch, type Measurement, type RunningAgent, startAgent } from './real-agent';
import { startApi } from './server';
import { duration, errorText, fmt, log, median, quantile, table } from './util';

export interface DatasetDeviceRow {
  readonly device: string;
  readonly config: string;
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly cvP90: number;
  readonly noisy: number;
  readonly wallMs: number;
  /** Whether this run measured it (false: kept from the --merge file). */
  readonly measuredNow: boolean;
}

export interface DatasetResult {
  readonly file: string;
  readonly archs: number;
  readonly rows: DatasetDeviceRow[];
  readonly validated?: string;
  readonly errors: string[];
}

/** The API takes at most 1000 archs per batch. */
const BATCH_LIMIT = 1000;

/** Measures all archs; archs whose task failed get one more batch, since a dataset needs every value. */
async function measureAll(
  admin: Api,
  agent: RunningAgent,
  archs: readonly string[],
): Promise<Map<string, Measurement>> {
  const got = new Map<string, Measurement>();
  for (let round = 0; round < 2; round++) {
    const todo = archs.filter((a) => !got.has(a));
    for (let i = 0; i < todo.length; i += BATCH_LIMIT) {
      const outcome = await measureBatch(admin, agent, todo.slice(i, i + BATCH_LIMIT));
      for (const m of outcome.measurements) got.set(m.arch, m);
      for (const f of outcome.failures)
        log(`${configLabel(agent.config)}: ${f.arch} failed: ${f.reasons.join('; ')}`);
    }
    if (got.size === archs.length) break;
    log(`${configLabel(agent.config)}: ${archs.length - got.size} archs unmeasured; retrying them once`);
  }
  return got;
}

function deviceInfo(c: RuntimeConfig, ms: Measurement[], wallMs: number): DeviceInfo {
  const p = ms[0].provenance;
  const cvs = ms.map((m) => m.stats.cv);
  return {
    hardware: p.fingerprint?.cpuModel ?? 'unknown',
    runtime: c.runtime,
    version: p.runtime?.version ?? 'unknown',
    threads: p.runtime?.threads ?? c.threads,
    batchSize: c.batch,
    valueType: 'median ms of the farm protocol',
    nodeVersion: p.fingerprint?.nodeVersion ?? process.version,
    agentVersion: p.agentVersion ?? 'unknown',
    measuredAt: ms.map((m) => m.finishedAt).sort()[ms.length - 1],
    cvMedian: median(cvs),
    cvP90: quantile(cvs, 0.9),
    noisyCount: ms.filter((m) => m.noisy).length,
    remeasuredCount: ms.filter((m) => m.remeasured).length,
    wallTimeSec: Math.round(wallMs / 100) / 10,
  };
}

export async function runDataset(
  configs: readonly RuntimeConfig[],
  count: number,
  out: string,
  merge: boolean,
): Promise<DatasetResult> {
  const archs = datasetArchs(count);
  const previous = merge ? readPrevious(out, archs) : undefined;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-dataset-'));
  log(
    `dataset: ${archs.length} archs × ${configs.length} configs → ${out}${previous ? ' (merge)' : ''}; work dir ${workDir}`,
  );
  const server = await startApi(workDir, {});
  const measured: Record<string, { values: number[]; info: DeviceInfo }> = {};
  const errors: string[] = [];
  const wall = new Map<string, number>();
  try {
    const { token } = await server.admin.ok<{ token: string }>('POST', 'farm/enrollment-tokens', {
      name: 'bench:farm dataset',
      maxUses: configs.length,
      expiresInHours: 720,
    });
    for (const c of configs) {
      const started = Date.now();
      let agent: RunningAgent | undefined;
      try {
        agent = await startAgent(server.url, token, c, workDir);
        const got = await measureAll(server.admin, agent, archs);
        if (got.size < archs.length)
          throw new Error(`${archs.length - got.size} archs could not be measured`);
        const ms = archs.map((a) => got.get(a)!);
        wall.set(deviceName(c), Date.now() - started);
        measured[deviceName(c)] = {
          values: ms.map((m) => m.latencyMs),
          info: deviceInfo(c, ms, Date.now() - started),
        };
        log(`dataset ${configLabel(c)}: done in ${duration(Date.now() - started)}`);
      } catch (e) {
        errors.push(`${configLabel(c)}: ${errorText(e)}`);
        log(`dataset ${configLabel(c)}: FAILED: ${errorText(e)}`);
      } finally {
        await agent?.stop();
      }
    }
  } finally {
    await server.stop();
  }
  if (Object.keys(measured).length === 0) return { file: out, archs: archs.length, rows: [], errors };
  const command = `npm run bench:farm -- ${process.argv.slice(2).join(' ')}`.trim();
  writeFile(out, buildFile(previous, archs, measured, command));
  let validated: string | undefined;
  try {
    const parsed = validateFile(out);
    validated = `parseLatencyTable (libs/datasets) accepted ${out}: ${parsed.archs.length} archs, ${parsed.devices.length} device(s), ${parsed.referenceArchIndices.length} reference archs`;
  } catch (e) {
    errors.push(`the written file does not parse: ${errorText(e)}`);
  }
  const file = JSON.parse(fs.readFileSync(out, 'utf8')) as ReturnType<typeof buildFile>;
  const rows = file.devicesInThisFile.map((name): DatasetDeviceRow => {
    const v = file.devices[name];
    const info = file.deviceInfo[name];
    return {
      device: name,
      config: `${info.runtime}:${info.threads}:${info.batchSize}`,
      n: v.length,
      min: Math.min(...v),
      median: median(v),
      max: Math.max(...v),
      cvP90: info.cvP90,
      noisy: info.noisyCount,
      wallMs: wall.get(name) ?? info.wallTimeSec * 1000,
      measuredNow: name in measured,
    };
  });
  return { file: out, archs: archs.length, rows, validated, errors };
}

export function formatDataset(r: DatasetResult): string {
  return [
    `## Dataset: ${r.archs} fmnist-mbv3 archs (10 reference archs first) per device → ${r.file}`,
    '',
    'Values are medians (ms) of the default farm protocol, one agent at a time; timings depend on the machine ' +
      'being otherwise idle. Devices marked * were kept from the existing file (--merge).',
    '',
    table(
      ['device', 'n', 'min ms', 'median ms', 'max ms', 'CV p90', 'noisy', 'wall time'],
      r.rows.map((d) => [
        d.measuredNow ? d.device : `${d.device} *`,
        String(d.n),
        fmt(d.min, 3),
        fmt(d.median, 3),
        fmt(d.max, 3),
        fmt(d.cvP90, 3),
        String(d.noisy),
        duration(d.wallMs),
      ]),
    ),
    '',
    r.validated ?? 'The file was NOT validated.',
    ...r.errors.map((e) => `ERROR ${e}`),
  ].join('\n');
}
