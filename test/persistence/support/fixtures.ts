import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeysRepository, EvaluationRecord, NewDataset } from '@tailor/persistence';

export const SPACE_SIZE = 15_625;

export function archKeys(n = SPACE_SIZE): string[] {
  return Array.from({ length: n }, (_, i) => `a${i.toString(36).padStart(4, '0')}`);
}

/** Deterministic, non-integer values so a float round-trip is checked too. */
export function values(n = SPACE_SIZE, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 37 + scale);
}

export function newDataset(overrides: Partial<NewDataset> = {}): NewDataset {
  const keys = overrides.archKeys ?? archKeys();
  return {
    searchSpace: 'nb201',
    fileName: 'latency.json',
    sha256: createHash('sha256').update(keys.join(',')).digest('hex'),
    archKeys: keys,
    summary: { archs: keys.length },
    createdBy: null,
    ...overrides,
  };
}

export async function newKey(keys: ApiKeysRepository, role: 'admin' | 'user' = 'user') {
  const secret = randomBytes(24).toString('hex');
  return keys.create({
    name: `${role}-${secret.slice(0, 4)}`,
    role,
    keyHash: createHash('sha256').update(secret).digest('hex'),
    keyPrefix: secret.slice(0, 8),
  });
}

export function evaluations(from: number, count: number): EvaluationRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    return {
      seq,
      archKey: `a${seq}`,
      arch: { ops: [seq % 5, (seq * 3) % 5] },
      metrics: { latencyMs: seq / 10, accuracy: 0.5 + (seq % 50) / 100 },
      violation: seq % 4 === 0 ? Infinity : seq % 4 === 1 ? 0 : seq / 100,
      feasible: seq % 4 === 1,
    };
  });
}
