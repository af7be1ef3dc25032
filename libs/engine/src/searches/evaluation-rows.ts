import type { EvaluationRecord as EvaluationRow } from '@tailor/persistence';
import type { EvaluationRecord } from '@tailor/search';

// Persistence stores the canonical key as `archKey`; the search library calls it `key`.

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
