import type { EvaluationRecord } from '@tailor/search';
import type { VerificationView } from './verification';

export type SearchStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const TERMINAL: readonly SearchStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface CandidateView {
  readonly key: string;
  readonly arch: unknown;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly feasible: boolean;
  readonly evaluation: number;
}

export interface SearchProgress {
  readonly evaluations: number;
  readonly budget: number;
  readonly rounds: number;
  readonly feasible: number;
  readonly percent: number;
}

export interface SearchResultView {
  readonly best: CandidateView | null;
  readonly topK: CandidateView[];
  readonly pareto: CandidateView[];
  readonly evaluations: number;
  /** Latencies measured on real devices for this search (recorded tables need none). */
  readonly deviceMeasurements: number;
  /** Archs that meet every constraint, when the space was enumerated at submit. */
  readonly feasibleInSpace?: number;
  /** Metrics whose values in topK/pareto are predictions (a calibrated predictor), not measurements. */
  readonly latencyPredicted?: string[];
  /** How `best` was confirmed on the device when latencies were predicted. */
  readonly verification?: VerificationView;
  /** OFA: the top candidates measured on the device and scored on the validation split by the supernet. */
  readonly validated?: ValidatedView;
}

/** A candidate whose latency was measured and whose accuracy was evaluated, not predicted. */
export interface ValidatedCandidate extends CandidateView {
  readonly predictedAccuracy: number;
  /** Top-1 % on the validation split, the subnet's BN recalibrated on training images. */
  readonly validationAccuracy: number;
  readonly measuredMs: number;
}

export interface ValidatedView {
  readonly supernetId: string;
  readonly metric: string;
  readonly validationImages: number;
  readonly calibrationImages: number;
  /** Measured within the budget, best validation accuracy first; `best` is the first. */
  readonly candidates: ValidatedCandidate[];
  /** Candidates measured over the budget (dropped), by key. */
  readonly overBudget: Array<{ key: string; measuredMs: number | null }>;
  readonly seconds: number;
}

/**
 * What `POST /searches/{id}/exports` indexes: the validated candidates when the search has them, else
 * its answer followed by the rest of its top-k. Index 0 is always the search's answer.
 */
export function exportCandidates(result: SearchResultView | null): CandidateView[] {
  if (!result) return [];
  if (result.validated && result.validated.candidates.length > 0) return result.validated.candidates;
  const seen = new Set<string>();
  return [...(result.best ? [result.best] : []), ...result.topK].filter((c) => {
    if (seen.has(c.key)) return false;
    seen.add(c.key);
    return true;
  });
}

export function candidateView(r: EvaluationRecord): CandidateView {
  return { key: r.key, arch: r.arch, metrics: r.metrics, feasible: r.feasible, evaluation: r.seq };
}

export interface SearchRow {
  id: string;
  ownerKeyId: string;
  status: string;
  request: unknown;
  progress: unknown;
  best: unknown;
  result: unknown;
  error: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export function searchView(row: SearchRow) {
  const req = row.request as { name?: string; searchSpace: string; algorithm: string };
  return {
    id: row.id,
    name: req.name ?? null,
    status: row.status as SearchStatus,
    searchSpace: req.searchSpace,
    algorithm: req.algorithm,
    request: row.request,
    progress: row.progress as SearchProgress,
    best: (row.best as CandidateView | null) ?? null,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    updatedAt: row.updatedAt,
  };
}
export type SearchView = ReturnType<typeof searchView>;
