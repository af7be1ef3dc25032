import { Rng, TailorError, invalid, showValue } from '@tailor/common';
import { createAlgorithm, isAlgorithmName, restoreAlgorithm } from './algorithms/algorithm-registry';
import { paretoFront, rankForObjective, violation as violationOf, type Scored } from './ranking';
import type { AlgorithmName, EvaluationRecord, Evaluated, SearchAlgorithm, SearchProblem } from './types';

export interface SessionConfig {
  readonly algorithm: AlgorithmName;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly budget: { readonly evaluations: number };
}

/** Why a session is done: budget spent, every arch of the space evaluated, or no new proposals. */
export type StopReason = 'budget' | 'exhausted' | 'stalled';

/** Everything but the records, as plain JSON: the state after the last completed round. */
export interface SessionCheckpoint {
  readonly version: 1;
  readonly algorithm: AlgorithmName;
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly budget: { readonly evaluations: number };
  readonly evaluations: number;
  readonly rounds: number;
  readonly idleRounds: number;
  readonly stopReason: StopReason | null;
  readonly algorithmState: unknown;
}

export interface SessionProgress {
  readonly evaluations: number;
  readonly budget: number;
  readonly rounds: number;
  readonly feasible: number;
  readonly best: EvaluationRecord | null;
  readonly done: boolean;
  readonly stopReason: StopReason | null;
}

export type Evaluate<A> = (archs: A[]) => Promise<Array<Record<string, number | null>>>;

/** Rounds in a row without a single new arch after which the session gives up (no infinite loop). */
export const MAX_IDLE_ROUNDS = 25;

type Entry = Scored & { readonly record: EvaluationRecord };

/**
 * Runs an ask/tell algorithm against an evaluator under an evaluation budget. Pure: persistence is the
 * caller's (store the records `step` returns, then `checkpoint()`). Archs evaluated before are answered
 * from the cache at no budget cost, so the algorithm always receives results for what it asked.
 */
export class SearchSession<A> {
  private readonly cache = new Map<string, Entry>();
  private readonly list: EvaluationRecord[] = [];
  private readonly metricNames: string[];
  private readonly cardinality: bigint | null;
  private algorithm!: SearchAlgorithm<A>;
  private snapshot: unknown;
  private rounds = 0;
  private idleRounds = 0;
  private stopReason: StopReason | null = null;
  // After a restore, records persisted past the checkpoint stay hidden from `known` during the replayed
  // ask, so the algorithm proposes exactly what it did before the interruption.
  private knownUpTo = Infinity;

  private constructor(
    private readonly problem: SearchProblem<A>,
    private readonly config: SessionConfig,
  ) {
    this.metricNames = [
      ...new Set([...problem.objectives.map((o) => o.metric), ...problem.constraints.map((c) => c.metric)]),
    ];
    this.cardinality = problem.space.enumerable ? problem.space.cardinality() : null;
  }

  static create<A>(problem: SearchProblem<A>, config: SessionConfig): SearchSession<A> {
    const checked = checkConfig(config);
    const session = new SearchSession(problem, checked);
    session.algorithm = createAlgorithm(
      checked.algorithm,
      problem,
      Rng.fromSeed(checked.seed),
      checked.options,
      session.known,
    );
    session.snapshot = session.algorithm.state();
    session.updateStop();
    return session;
  }

  /** Resumes from a checkpoint; `records` (the persisted evaluations, in `seq` order) are the source of truth. */
  static restore<A>(
    problem: SearchProblem<A>,
    checkpoint: SessionCheckpoint,
    records: readonly EvaluationRecord[],
  ): SearchSession<A> {
    if (!checkpoint || checkpoint.version !== 1)
      throw invalid('checkpoint', 'is not a version-1 session checkpoint');
    const session = new SearchSession(problem, checkConfig(checkpoint));
    records.forEach((r, i) => {
      if (r.seq !== i + 1) throw invalid(`records[${i}].seq`, `must be ${i + 1}, got ${showValue(r.seq)}`);
      if (session.cache.has(r.key))
        throw invalid(`records[${i}].key`, `duplicates an earlier record: ${r.key}`);
      session.add(r);
    });
    if (records.length < checkpoint.evaluations) {
      throw new TailorError(
        'CONFLICT',
        `checkpoint counts ${checkpoint.evaluations} evaluations but only ${records.length} records were given`,
        'records',
      );
    }
    session.rounds = checkpoint.rounds;
    session.idleRounds = checkpoint.idleRounds;
    session.stopReason = checkpoint.stopReason;
    session.knownUpTo = checkpoint.evaluations;
    session.algorithm = restoreAlgorithm(
      checkpoint.algorithm,
      problem,
      checkpoint.algorithmState,
      session.known,
    );
    session.snapshot = checkpoint.algorithmState;
    session.updateStop();
    return session;
  }

  private readonly known = (key: string): boolean => {
    const e = this.cache.get(key);
    return e !== undefined && e.record.seq <= this.knownUpTo;
  };

  get done(): boolean {
    return this.stopReason !== null;
  }

  /**
   * One ask/tell round. New archs go to `evaluate` (never more than the remaining budget); when the
   * budget cuts the batch, the algorithm is told the prefix it could afford, which `tell` accepts.
   * If `evaluate` throws, nothing changes: the next call (or a restore) asks the same batch again.
   */
  async step(evaluate: Evaluate<A>): Promise<EvaluationRecord[]> {
    if (this.done) return [];
    const { space } = this.problem;
    const batch = this.algorithm.ask();
    this.knownUpTo = Infinity;
    const keys = batch.map((a) => space.canonical(a));
    const remaining = this.config.budget.evaluations - this.list.length;
    const fresh: A[] = [];
    const freshKeys = new Set<string>();
    let told = batch.length;
    for (let i = 0; i < batch.length; i++) {
      if (this.cache.has(keys[i]) || freshKeys.has(keys[i])) continue;
      if (fresh.length >= remaining) {
        told = i;
        break;
      }
      freshKeys.add(keys[i]);
      fresh.push(batch[i]);
    }
    let evaluated: Array<Record<string, number | null>> = [];
    try {
      evaluated = fresh.length > 0 ? await evaluate(fresh) : [];
      if (!Array.isArray(evaluated) || evaluated.length !== fresh.length) {
        throw new TailorError(
          'INTERNAL',
          `evaluate() returned ${evaluated?.length} results for ${fresh.length} archs`,
        );
      }
    } catch (err) {
      // Roll the algorithm back to the last completed round so a retry replays the same batch.
      this.algorithm = restoreAlgorithm(this.config.algorithm, this.problem, this.snapshot, this.known);
      throw err;
    }
    const added = fresh.map((arch, i) => this.record(arch, evaluated[i]));
    const results: Evaluated<A>[] = batch.slice(0, told).map((arch, i) => {
      const e = this.cache.get(keys[i])!;
      return { arch, key: keys[i], metrics: e.metrics, violation: e.violation };
    });
    this.algorithm.tell(results);
    this.snapshot = this.algorithm.state();
    this.rounds++;
    this.idleRounds = added.length > 0 ? 0 : this.idleRounds + 1;
    this.updateStop();
    return added;
  }

  private record(arch: A, raw: Record<string, number | null> | undefined): EvaluationRecord {
    const metrics: Record<string, number | null> = {};
    for (const m of this.metricNames) {
      const v = raw?.[m];
      metrics[m] = typeof v === 'number' && Number.isFinite(v) ? v : null;
    }
    const v = violationOf(this.problem.constraints, metrics);
    const record: EvaluationRecord = {
      seq: this.list.length + 1,
      key: this.problem.space.canonical(arch),
      arch: this.problem.space.toJSON(arch),
      metrics,
      violation: v,
      feasible: v === 0,
    };
    this.add(record);
    return record;
  }

  private add(record: EvaluationRecord): void {
    // Metrics are the source of truth: the violation is recomputed under the current constraints.
    const v = violationOf(this.problem.constraints, record.metrics);
    this.cache.set(record.key, { key: record.key, metrics: record.metrics, violation: v, record });
    this.list.push(record);
  }

  private updateStop(): void {
    if (this.stopReason !== null) return;
    if (this.list.length >= this.config.budget.evaluations) this.stopReason = 'budget';
    else if (this.cardinality !== null && BigInt(this.cache.size) >= this.cardinality)
      this.stopReason = 'exhausted';
    else if (this.idleRounds >= MAX_IDLE_ROUNDS) this.stopReason = 'stalled';
  }

  checkpoint(): SessionCheckpoint {
    return structuredClone({
      version: 1 as const,
      algorithm: this.config.algorithm,
      options: this.config.options ?? {},
      seed: this.config.seed,
      budget: { evaluations: this.config.budget.evaluations },
      evaluations: this.list.length,
      rounds: this.rounds,
      idleRounds: this.idleRounds,
      stopReason: this.stopReason,
      algorithmState: this.snapshot,
    });
  }

  records(): readonly EvaluationRecord[] {
    return this.list;
  }

  /** Best record: feasible first, then by the objectives in order (see `rankForObjective`). */
  best(): EvaluationRecord | null {
    return this.topK(1)[0] ?? null;
  }

  topK(k: number): EvaluationRecord[] {
    return rankForObjective([...this.cache.values()], this.problem.objectives)
      .slice(0, Math.max(0, k))
      .map((e) => e.record);
  }

  /** Feasible records not dominated over the objectives. */
  pareto(): EvaluationRecord[] {
    return paretoFront([...this.cache.values()], this.problem.objectives).map((e) => e.record);
  }

  progress(): SessionProgress {
    return {
      evaluations: this.list.length,
      budget: this.config.budget.evaluations,
      rounds: this.rounds,
      feasible: this.list.reduce((n, r) => n + (r.feasible ? 1 : 0), 0),
      best: this.best(),
      done: this.done,
      stopReason: this.stopReason,
    };
  }
}

function checkConfig(config: SessionConfig): SessionConfig {
  if (!config || typeof config !== 'object') throw invalid('config', 'must be an object');
  if (!isAlgorithmName(config.algorithm)) {
    throw invalid('algorithm', `is not a known algorithm, got ${showValue(config.algorithm)}`);
  }
  if (!Number.isSafeInteger(config.seed))
    throw invalid('seed', `must be an integer, got ${showValue(config.seed)}`);
  const n = config.budget?.evaluations;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw invalid('budget.evaluations', `must be a positive integer, got ${showValue(n)}`);
  }
  return config;
}
