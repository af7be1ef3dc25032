import { TailorError } from '@tailor/common';

export interface CliArgs {
  command: 'serve' | 'worker' | 'migrate' | 'agent' | 'predictor' | 'supernet' | 'demo' | 'help';
  port?: number;
  /** serve: local agents to start as child processes (0 = none). */
  agents?: number;
  /** agent: its own arguments, parsed by the agent. */
  rest?: string[];
  dataDir?: string;
  imports: string[];
}

export const USAGE = `Usage:
  tailor serve   [--port 3000] [--data-dir ./.tailor] [--import FILE…] [--agents N]
                 start the API (embedded DB and in-process jobs unless DATABASE_URL/REDIS_URL are set);
                 --agents N also enrolls and starts N local device-farm agents (different runtimes)
  tailor agent   --server URL --enroll-token T [--runtime R] [--threads N] [--batch N] [--name NAME] [--state-dir DIR]
  tailor agent   --server URL --enroll-token T --replay FILE --device NAME      a device-farm agent (see device-farm/README.md)
  tailor predictor evaluate --train FILE [--test FILE] [--devices a,b] [--samples 10] [--seeds 5] [--json]
                 meta-train the latency predictor and evaluate it with HELP's protocol (see README)
  tailor predictor train --train FILE --out FILE [--steps 3000] [--members 3] [--sources a,b] [--validation c,d] [--seed 0]
                 meta-train the latency predictor and write it as a predictor file (serve imports the shipped one)
  tailor supernet train --out DIR [--epochs 4,1,1,2] [--images-per-epoch N] [--batch 64] [--seed 1] [--data DIR]
                 train an elastic supernet by progressive shrinking on Fashion-MNIST (resumable; see README)
  tailor demo    [--agents 2] [--out ./demo-output]                          the whole loop on embedded defaults (npm run demo)
  tailor worker                                                           process search jobs from Redis (needs REDIS_URL and DATABASE_URL)
  tailor migrate [--data-dir ./.tailor]                                   apply database migrations and exit
Environment: PORT, TAILOR_DATA_DIR, DATABASE_URL, REDIS_URL, TAILOR_ADMIN_KEY, TAILOR_LOG_LEVEL (see README).`;

/** Commands whose arguments are their own (main hands them `rest`). */
export const PASS_THROUGH_COMMANDS = ['agent', 'predictor', 'supernet', 'demo'] as const;
export type PassThroughCommand = (typeof PASS_THROUGH_COMMANDS)[number];
const COMMANDS = ['serve', 'worker', 'migrate', ...PASS_THROUGH_COMMANDS, 'help'] as const;

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: 'serve', imports: [] };
  let i = 0;
  if (argv[0] && !argv[0].startsWith('-')) {
    if (!(COMMANDS as readonly string[]).includes(argv[0]))
      throw new TailorError('INVALID_ARGUMENT', `unknown command "${argv[0]}"\n${USAGE}`, 'command');
    args.command = argv[0] as CliArgs['command'];
    i = 1;
  }
  if ((PASS_THROUGH_COMMANDS as readonly string[]).includes(args.command))
    return { ...args, rest: argv.slice(1) };
  const value = (flag: string): string => {
    const v = argv[++i];
    if (v === undefined || v.startsWith('--'))
      throw new TailorError('INVALID_ARGUMENT', `needs a value`, flag);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') args.command = 'help';
    else if (a === '--port') {
      const raw = value('--port');
      const port = Number(raw);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new TailorError('INVALID_ARGUMENT', `must be a port number, got "${raw}"`, '--port');
      args.port = port;
    } else if (a === '--data-dir') args.dataDir = value('--data-dir');
    else if (a === '--agents') {
      const raw = value('--agents');
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > 16)
        throw new TailorError('INVALID_ARGUMENT', `must be an integer in [0, 16], got "${raw}"`, '--agents');
      args.agents = n;
    } else if (a === '--import') {
      args.imports.push(value('--import'));
      while (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args.imports.push(argv[++i]);
    } else throw new TailorError('INVALID_ARGUMENT', `unknown option "${a}"\n${USAGE}`, a);
  }
  return args;
}
