import type { EvaluationRecord } from '@tailor/search';

/** Stored form of an evaluation (persistence names the key column `archKey`). */
export interface EvaluationRow {
  seq: number;
  archKey: string;
  arch: unknown;
  metrics: Record<string, unknown>;
  violation: number;
  feasible: boolean;
}

export function toRow(r: EvaluationRecord): EvaluationRow {
  return {
    seq: r.seq,
    archKey: r.key,
    arch: r.arch,
    metrics: { ...r.metrics },
    violation: r.violation ?? Infinity,
    feasible: r.feasible,
  };
}

export function fromRow(r: EvaluationRow): EvaluationRecord {
  return {
    seq: r.seq,
    key: r.archKey,
    arch: r.arch,
    metrics: r.metrics as Record<string, number | null>,
    violation: r.violation,
    feasible: r.feasible,
  };
}
