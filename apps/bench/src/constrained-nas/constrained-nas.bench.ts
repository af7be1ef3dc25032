/**
 * npm run bench:constrained-nas — latency-constrained NAS on devices the predictor never saw, through the
 * real service path: an API on embedded defaults imports the files, meta-trains a predictor on the
 * train file's metaTrain devices, a replay agent serves each target device from the latency file (so
 * every latency the service gets is a farm measurement), the device is calibrated, and one search per
 * budget maximizes accuracy under the budget, verifying its answer on the device. The returned arch is
 * scored against the oracle (best feasible arch by enumeration of the file).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startApi } from '../farm/server';
import { log } from '../farm/util';
import { parseArgs, type ConstrainedNasArgs } from './args';
import { formatReport, type TaskResult } from './report';
import { calibrate, runSearch, startReplayAgent, trainPredictor, countMeasurements } from './service-steps';
import { oracle, quartileBudgets, readTables } from './tables';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const latencyFile = path.resolve(args.latency);
  const trainFile = path.resolve(args.train ?? args.latency);
  const tables = readTables(latencyFile, path.resolve(args.accuracy), args.dataset);
  const trainSplits = readTables(trainFile, path.resolve(args.accuracy), args.dataset).splits;
  const devices = args.devices ?? (args.train ? Object.keys(tables.latency) : tables.splits.metaValid);
  for (const d of devices)
    if (!tables.latency[d]) throw new Error(`--devices: ${d} is not in ${latencyFile}`);
  const budgets = new Map(devices.map((d) => [d, args.budgets?.get(d) ?? quartileBudgets(tables, d)]));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-cnas-'));
  const imports = [...new Set([trainFile, latencyFile]), path.resolve(args.accuracy)];
  const server = await startApi(workDir, {}, ['--import', ...imports]);
  const results: TaskResult[] = [];
  let predictorSeconds: number;
  try {
    // Checkpoints are selected on metaValid devices that are not benchmark targets (none left: last one).
    const validation = trainSplits.metaValid.filter((d) => !devices.includes(d));
    const started = Date.now();
    await trainPredictor(server.admin, tables.searchSpace, trainSplits.metaTrain, validation, args);
    predictorSeconds = (Date.now() - started) / 1000;
    for (const device of devices) {
      results.push(
        ...(await benchDevice(
          server.url,
          server.admin,
          args,
          tables,
          device,
          budgets.get(device)!,
          latencyFile,
          workDir,
        )),
      );
    }
  } finally {
    await server.stop();
  }
  console.log(
    args.json
      ? JSON.stringify({ predictorSeconds, tasks: results, totals: totals(results) }, null, 2)
      : formatReport(results, predictorSeconds, args),
  );
}

async function benchDevice(
  url: string,
  admin: Parameters<typeof calibrate>[0],
  args: ConstrainedNasArgs,
  tables: ReturnType<typeof readTables>,
  device: string,
  budgets: number[],
  latencyFile: string,
  workDir: string,
): Promise<TaskResult[]> {
  const agent = await startReplayAgent(url, admin, latencyFile, device, workDir);
  const out: TaskResult[] = [];
  try {
    // The measurement budget: 10 reference archs and a few shots calibrate; the rest verifies, spread over
    // the budgets. Verification measurements are where the answer is decided (next to the budget), and
    // they re-adapt the predictor for the later budgets too, so they are worth more than random shots.
    const cal = await calibrate(admin, agent.deviceId, tables.searchSpace, args.shots);
    log(
      `${device}: calibrated with ${cal.measurements} measurements (quality ${JSON.stringify(cal.quality ?? {})})`,
    );
    const index = new Map(tables.archs.map((a, i) => [a, i]));
    for (const [b, budget] of budgets.entries()) {
      const used = await countMeasurements(admin, agent.deviceId);
      const left = args.maxMeasurements - used;
      const share = Math.max(0, Math.floor(left / (budgets.length - b)));
      const started = Date.now();
      const result = await runSearch(admin, tables.searchSpace, agent.deviceId, budget, args, share);
      const wallSeconds = (Date.now() - started) / 1000;
      const best = oracle(tables, device, budget);
      const i = result.bestKey ? index.get(result.bestKey) : undefined;
      const trueMs = i !== undefined ? tables.latency[device][i] : null;
      const accuracy = i !== undefined ? tables.accuracy[i] : null;
      out.push({
        device,
        budgetMs: budget,
        arch: result.bestKey,
        trueMs,
        violation: trueMs === null ? null : trueMs > budget,
        accuracy,
        oracleAccuracy: best.accuracy,
        gap: accuracy === null ? null : best.accuracy - accuracy,
        measurements: result.deviceMeasurements,
        deviceMeasurementsSoFar: await countMeasurements(admin, agent.deviceId),
        wallSeconds,
        stoppedBecause: result.stoppedBecause,
      });
      log(`${device} ≤ ${budget} ms: ${JSON.stringify(out[out.length - 1])}`);
    }
  } finally {
    await agent.stop();
  }
  return out;
}

function totals(results: TaskResult[]) {
  const scored = results.filter((r) => r.gap !== null);
  return {
    tasks: results.length,
    violations: results.filter((r) => r.violation === true).length,
    noAnswer: results.filter((r) => r.arch === null).length,
    meanGap: scored.reduce((s, r) => s + (r.gap as number), 0) / Math.max(1, scored.length),
    maxMeasurementsPerDevice: Math.max(0, ...results.map((r) => r.deviceMeasurementsSoFar)),
  };
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

export { totals };
