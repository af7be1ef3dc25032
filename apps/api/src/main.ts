#!/usr/bin/env node
import 'reflect-metadata';
import { TailorError } from '@tailor/common';
import { loadConfig } from '@tailor/config';
import { runAgentCommand } from '@tailor/device-farm';
import { openDatabase, startWorker } from '@tailor/engine';
import { calibrateLocalDevices } from './cli/local-calibration';
import { startLocalFarm } from './cli/local-farm';
import { runPredictorCommand } from './cli/predictor-command';
import { runSupernetCommand } from './cli/supernet-command';
import { parseArgs, type PassThroughCommand, USAGE } from './cli/parse-args';
import { runDemoCommand } from './demo/demo-command';
import { createServer } from './server';

/** Commands that parse their own arguments and return an exit code. */
const PASS_THROUGH: Record<PassThroughCommand, (rest: string[]) => Promise<number>> = {
  agent: runAgentCommand,
  predictor: runPredictorCommand,
  supernet: runSupernetCommand,
  demo: (rest) => runDemoCommand(rest, __filename),
};

/** The `tailor` command: serve (default), worker, migrate, agent, predictor, supernet, demo. */
async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.command === 'help') return void console.log(USAGE);
  const passThrough = PASS_THROUGH[args.command as PassThroughCommand];
  if (passThrough) {
    process.exitCode = await passThrough(args.rest ?? []);
    return;
  }
  const config = loadConfig({ port: args.port, dataDir: args.dataDir });
  if (args.command === 'migrate') {
    const db = await openDatabase(config);
    await db.close();
    console.log('migrations applied');
    return;
  }
  if (args.command === 'worker') {
    await startWorker(config);
    return;
  }
  const server = await createServer(config, {
    imports: args.imports,
    shutdownHooks: false,
    shippedPredictors: true,
    shippedSupernets: true,
  });
  console.log(`Tailor listening on ${server.url} — Swagger UI at ${server.url}/docs`);
  const farm = args.agents ? await startLocalFarm(server, args.agents, config.dataDir) : undefined;
  let stopping = false;
  if (farm) {
    console.log(
      `local device farm: ${farm.agents.map((a) => `${a.runtime} (${a.threads} thread)`).join(', ')}`,
    );
    // In the background: the API already listens, and a device that cannot be calibrated is only logged.
    void calibrateLocalDevices(server.app, farm, {
      warn: (line) => !stopping && console.error(line),
    });
  }
  const stop = async (signal: string) => {
    stopping = true;
    console.log(`${signal}: shutting down`);
    await farm?.stop();
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof TailorError && err.code === 'INVALID_ARGUMENT') console.error(`tailor: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
