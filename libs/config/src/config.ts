import { isAbsolute, resolve } from 'node:path';
import { TailorError } from '@tailor/common';

/** Everything Tailor reads from its environment, validated once at boot. */
export interface TailorConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** External PostgreSQL; when absent Tailor serves an embedded PGlite from `dataDir`. */
  readonly databaseUrl?: string;
  /** Redis for Bull; when absent jobs run in-process. */
  readonly redisUrl?: string;
  readonly adminKey?: string;
  readonly searchSpacesDir?: string;
  /** Fashion-MNIST's IDX files, the data supernets train on (Debian's `dataset-fashion-mnist` by default). */
  readonly fashionMnistDir: string;
  readonly embeddedDbPort: number;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug';
  readonly queuePrefix: string;
  readonly queueLockMs: number;
  readonly queueStalledMs: number;
  readonly limits: SearchLimits;
  readonly farm: FarmSettings;
}

/** Device-farm timing; small values make tests fast, defaults suit real agents. */
export interface FarmSettings {
  /** Agents heartbeat this often; one missing 3 in a row is offline and loses its leases. */
  readonly heartbeatSec: number;
  /** A lease lasts this long unless the agent extends it. */
  readonly leaseTtlSec: number;
  /** Attempts per task before it fails with the reasons collected. */
  readonly maxAttempts: number;
}

export interface SearchLimits {
  readonly maxEvaluations: number;
  readonly maxObjectives: number;
  readonly maxConstraints: number;
  readonly maxUploadBytes: number;
}

/** Overrides given on the command line win over the environment. */
export type ConfigOverrides = Partial<Pick<TailorConfig, 'port' | 'dataDir' | 'host'>>;

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new TailorError('INVALID_ARGUMENT', `must be an integer in [${min}, ${max}], got "${raw}"`, name);
  return n;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new TailorError('INVALID_ARGUMENT', `is not a URL: "${raw.replace(/:[^:@/]*@/, ':***@')}"`, name);
  }
  if (!protocols.includes(parsed.protocol))
    throw new TailorError(
      'INVALID_ARGUMENT',
      `must use ${protocols.join(' or ')}, got ${parsed.protocol}`,
      name,
    );
  return raw;
}

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export function loadConfig(overrides: ConfigOverrides = {}, env: Env = process.env): TailorConfig {
  const dataDir = overrides.dataDir ?? env.TAILOR_DATA_DIR ?? './.tailor';
  const logLevel = (env.TAILOR_LOG_LEVEL ?? 'log') as TailorConfig['logLevel'];
  if (!['error', 'warn', 'log', 'debug'].includes(logLevel))
    throw new TailorError(
      'INVALID_ARGUMENT',
      `must be error, warn, log or debug, got "${logLevel}"`,
      'TAILOR_LOG_LEVEL',
    );
  const adminKey = env.TAILOR_ADMIN_KEY || undefined;
  if (adminKey !== undefined && adminKey.length < 16)
    throw new TailorError('INVALID_ARGUMENT', 'must be at least 16 characters', 'TAILOR_ADMIN_KEY');
  return {
    port: overrides.port ?? int(env, 'PORT', 3000, 0, 65535),
    host: overrides.host ?? env.TAILOR_HOST ?? '0.0.0.0',
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    adminKey,
    searchSpacesDir: env.TAILOR_SEARCH_SPACES_DIR || undefined,
    fashionMnistDir: resolve(env.TAILOR_FASHION_MNIST_DIR || DEFAULT_FASHION_MNIST_DIR),
    embeddedDbPort: int(env, 'TAILOR_EMBEDDED_DB_PORT', 0, 0, 65535),
    logLevel,
    queuePrefix: env.TAILOR_QUEUE_PREFIX || 'tailor',
    queueLockMs: int(env, 'TAILOR_QUEUE_LOCK_MS', 30_000, 1_000, 600_000),
    queueStalledMs: int(env, 'TAILOR_QUEUE_STALLED_MS', 30_000, 1_000, 600_000),
    limits: {
      maxEvaluations: int(env, 'TAILOR_MAX_EVALUATIONS', 100_000, 1, 10_000_000),
      maxObjectives: 4,
      maxConstraints: 8,
      maxUploadBytes: int(env, 'TAILOR_MAX_UPLOAD_MB', 64, 1, 1024) * 1024 * 1024,
    },
    farm: {
      heartbeatSec: int(env, 'TAILOR_FARM_HEARTBEAT_SEC', 10, 1, 3600),
      leaseTtlSec: int(env, 'TAILOR_FARM_LEASE_TTL_SEC', 60, 2, 86_400),
      maxAttempts: int(env, 'TAILOR_FARM_MAX_ATTEMPTS', 3, 1, 100),
    },
  };
}
