/**
 * `npm run bench:farm`: the device farm under load (simulated agents against PostgreSQL + Redis), the
 * measurement quality of real local agents, and the fmnist-mbv3 latency dataset they produce.
 * See `--help`; progress goes to stderr, the tables to stdout.
 */
import * as os from 'node:os';
import { configLabel, DATASET_CONFIGS, parseConfigs, parseFarmArgs, QUALITY_CONFIGS } from './args';
import { formatDataset, runDataset } from './dataset';
import { formatLoad, loadJson } from './load-report';
import { runLoad } from './load';
import { formatQuality, runQuality } from './quality';
import { duration, errorText, log } from './util';

async function main(): Promise<number> {
  const args = parseFarmArgs(process.argv.slice(2));
  const started = Date.now();
  let failed = false;
  const json: Record<string, unknown> = {};
  const print = (text: string) => {
    if (!args.json) console.log(`${text}\n`);
  };
  for (const part of args.parts) {
    const partStarted = Date.now();
    const loadStart = os.loadavg()[0];
    log(`part ${part}: starting`);
    if (part === 'load') {
      const result = await runLoad({ agents: args.agents, durationSec: args.duration });
      failed ||= !result.integrity.ok;
      json.load = loadJson(result);
      print(formatLoad(result));
    } else if (part === 'quality') {
      const configs = args.configs ?? parseConfigs(QUALITY_CONFIGS);
      const rows = await runQuality(configs, args.qualityArchs);
      failed ||= rows.some((r) => r.error !== undefined);
      json.quality = rows;
      print(formatQuality(rows, args.qualityArchs));
    } else {
      const configs = args.configs ?? parseConfigs(DATASET_CONFIGS);
      const result = await runDataset(configs, args.archs, args.out, args.merge);
      failed ||= result.errors.length > 0;
      json.dataset = result;
      print(formatDataset(result));
    }
    // Other processes on the machine skew both throughput and measurement noise; say how busy it was.
    const machine = `${os.cpus().length} CPUs, load average ${loadStart.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end`;
    print(`(${part}: ${machine}; wall time ${duration(Date.now() - partStarted)})`);
    json[`${part}Machine`] = machine;
    log(`part ${part}: done in ${duration(Date.now() - partStarted)}`);
  }
  if (args.json) console.log(JSON.stringify(json, null, 2));
  else
    console.log(
      `Total wall time ${duration(Date.now() - started)}${args.configs ? ` (configs ${args.configs.map(configLabel).join(', ')})` : ''}.`,
    );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`failed: ${errorText(err)}`);
    if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  },
);
