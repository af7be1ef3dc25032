import { TailorError } from '@tailor/common';

export interface CliArgs {
  command: 'serve' | 'worker' | 'migrate' | 'help';
  port?: number;
  dataDir?: string;
  imports: string[];
}

export const USAGE = `Usage:
  tailor serve   [--port 3000] [--data-dir ./.tailor] [--import FILE…]   start the API (embedded DB and in-process jobs unless DATABASE_URL/REDIS_URL are set)
  tailor worker                                                           process search jobs from Redis (needs REDIS_URL and DATABASE_URL)
  tailor migrate [--data-dir ./.tailor]                                   apply database migrations and exit
Environment: PORT, TAILOR_DATA_DIR, DATABASE_URL, REDIS_URL, TAILOR_ADMIN_KEY, TAILOR_LOG_LEVEL (see README).`;

const COMMANDS = ['serve', 'worker', 'migrate', 'help'] as const;

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: 'serve', imports: [] };
  let i = 0;
  if (argv[0] && !argv[0].startsWith('-')) {
    if (!(COMMANDS as readonly string[]).includes(argv[0]))
      throw new TailorError('INVALID_ARGUMENT', `unknown command "${argv[0]}"\n${USAGE}`, 'command');
    args.command = argv[0] as CliArgs['command'];
    i = 1;
  }
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
    else if (a === '--import') {
      args.imports.push(value('--import'));
      while (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args.imports.push(argv[++i]);
    } else throw new TailorError('INVALID_ARGUMENT', `unknown option "${a}"\n${USAGE}`, a);
  }
  return args;
}
