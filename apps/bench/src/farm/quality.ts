/**
 * Part 2, quality: how stable the farm protocol's numbers are on this machine. Each runtime config gets
 * one real agent (alone on the machine), measures the same sampled archs twice in two batches, and we
 * look at the within-measurement noise (CV) and the between-run agreement of the medians.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configLabel, type RuntimeConfig } from './args';
import { sampleArchs } from './archs';
import { measureBatch, type Measurement, startAgent } from './real-agent';
import { startApi } from './server';
import { duration, errorText, fmt, log, median, pct, quantile, table } from './util';

export interface QualityRow {
  readonly config: string;
  readonly deviceId?: string;
  readonly runtimeVersion?: string;
  readonly measurements: number;
  readonly failedTasks: number;
  readonly cv: { p50: number; p90: number; max: number };
  readonly remeasured: number;
  readonly noisy: number;
  /** Archs measured in both runs, and those whose medians differ by ≤ 5 % of their mean. */
  readonly paired: number;
  readonly agree: number;
  readonly medianRelDiff: number;
  readonly latency: { min: number; max: number };
  readonly agentStartMs: number;
  readonly wallMs: number;
  readonly error?: string;
}

const AGREE = 0.05;

function summarize(
  config: RuntimeConfig,
  deviceId: string,
  runs: Measurement[][],
  startMs: number,
  wallMs: number,
  failed: number,
): QualityRow {
  const all = runs.flat();
  const cvs = all.map((m) => m.stats.cv);
  const [first, second] = runs.map((r) => new Map(r.map((m) => [m.arch, m.latencyMs])));
  const diffs: number[] = [];
  for (const [arch, a] of first) {
    const b = second.get(arch);
    if (b !== undefined) diffs.push(Math.abs(a - b) / ((a + b) / 2));
  }
  const lat = all.map((m) => m.latencyMs);
  return {
    config: configLabel(config),
    deviceId,
    runtimeVersion: all[0]?.provenance.runtime?.version,
    measurements: all.length,
    failedTasks: failed,
    cv: { p50: quantile(cvs, 0.5), p90: quantile(cvs, 0.9), max: cvs.length ? Math.max(...cvs) : NaN },
    remeasured: all.filter((m) => m.remeasured).length,
    noisy: all.filter((m) => m.noisy).length,
    paired: diffs.length,
    agree: diffs.filter((d) => d <= AGREE).length,
    medianRelDiff: median(diffs),
    latency: { min: lat.length ? Math.min(...lat) : NaN, max: lat.length ? Math.max(...lat) : NaN },
    agentStartMs: startMs,
    wallMs,
  };
}

export async function runQuality(configs: readonly RuntimeConfig[], count: number): Promise<QualityRow[]> {
  const archs = sampleArchs(count, 1);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-quality-'));
  log(
    `quality: ${archs.length} fmnist-mbv3 archs (seed 1) × 2 runs × ${configs.length} configs; work dir ${workDir}`,
  );
  // Embedded database and in-process jobs: the quality of a measurement does not depend on the store.
  const server = await startApi(workDir, {});
  const rows: QualityRow[] = [];
  try {
    const { token } = await server.admin.ok<{ token: string }>('POST', 'farm/enrollment-tokens', {
      name: 'bench:farm quality',
      maxUses: configs.length,
      expiresInHours: 24,
    });
    for (const config of configs) {
      const started = Date.now();
      let agent;
      try {
        agent = await startAgent(server.url, token, config, workDir);
        const startMs = Date.now() - started;
        const runs = [];
        for (const run of [1, 2]) {
          log(`quality ${configLabel(config)}: run ${run} of 2`);
          runs.push(await measureBatch(server.admin, agent, archs));
        }
        const failed = runs.reduce((n, r) => n + (archs.length - r.measurements.length), 0);
        rows.push(
          summarize(
            config,
            agent.deviceId,
            runs.map((r) => r.measurements),
            startMs,
            Date.now() - started,
            failed,
          ),
        );
        log(`quality ${configLabel(config)}: done in ${duration(Date.now() - started)}`);
      } catch (e) {
        log(`quality ${configLabel(config)}: FAILED: ${errorText(e)}`);
        rows.push({
          ...summarize(config, agent?.deviceId ?? '–', [[], []], 0, Date.now() - started, 0),
          error: errorText(e),
        });
      } finally {
        await agent?.stop();
      }
    }
  } finally {
    await server.stop();
  }
  return rows;
}

export function formatQuality(rows: readonly QualityRow[], count: number): string {
  return [
    `## Quality: ${count} fmnist-mbv3 archs (seed 1), measured twice (two batches) per config, one agent at a time`,
    '',
    'Default protocol (10 warm-ups, 5 repeats of ≥ 100 ms, re-measure once when CV > 0.1). CV = std/mean of one ' +
      `measurement's per-run samples; "2 runs agree" = archs whose two medians differ by ≤ ${AGREE * 100}% of their ` +
      'mean. Timings depend on the machine being otherwise idle.',
    '',
    table(
      [
        'config',
        'n',
        'CV p50',
        'CV p90',
        'CV max',
        'remeasured',
        'noisy',
        '2 runs agree',
        'median Δ',
        'latency ms',
        'agent start',
        'wall time',
      ],
      rows.map((r) => [
        r.config,
        String(r.measurements),
        fmt(r.cv.p50, 3),
        fmt(r.cv.p90, 3),
        fmt(r.cv.max, 3),
        pct(r.remeasured, r.measurements),
        pct(r.noisy, r.measurements),
        `${pct(r.agree, r.paired)} (${r.agree}/${r.paired})`,
        `${fmt(r.medianRelDiff * 100, 1)}%`,
        `${fmt(r.latency.min, 2)}–${fmt(r.latency.max, 2)}`,
        duration(r.agentStartMs),
        duration(r.wallMs),
      ]),
    ),
    ...rows
      .filter((r) => r.error || r.failedTasks > 0)
      .map((r) => `${r.config}: ${r.error ?? `${r.failedTasks} tasks failed`}`),
  ].join('\n');
}
