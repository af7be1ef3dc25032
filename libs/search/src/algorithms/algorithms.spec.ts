import { Rng, TailorError } from '@tailor/common';
import { toyProblem } from '../testing/toy-spaces.helper-spec';
import { violation } from '../ranking';
import type { AlgorithmName, Evaluated } from '../types';
import { ALGORITHMS, createAlgorithm, restoreAlgorithm } from './algorithm-registry';

const NAMES: AlgorithmName[] = ['random', 'evolution', 'regularized-evolution', 'nsga2', 'ofa'];

describe('algorithm registry', () => {
  it('describes every algorithm with its defaults', () => {
    expect(ALGORITHMS.map((a) => a.name).sort()).toEqual([...NAMES].sort());
    const evo = ALGORITHMS.find((a) => a.name === 'evolution')!;
    expect(evo.defaults).toMatchObject({ parentRatio: 0.25, mutationRatio: 0.5, mutationProbability: 0.1 });
  });

  it('validates options and names the bad one', () => {
    const { problem } = toyProblem();
    const bad = (name: AlgorithmName, options: unknown) => () =>
      createAlgorithm(name, problem, Rng.fromSeed(1), options);
    expect(bad('evolution', { populationSize: 1 })).toThrow(/options\.populationSize: must be in \[2, /);
    expect(bad('evolution', { parentRatio: 0 })).toThrow(/options\.parentRatio/);
    expect(bad('nsga2', { populationSize: 2.5 })).toThrow(/options\.populationSize: must be an integer/);
    expect(bad('random', { batchsize: 3 })).toThrow(/options\.batchsize: is not an option/);
    expect(bad('random', 'fast')).toThrow(TailorError);
    expect(() => createAlgorithm('annealing' as AlgorithmName, problem, Rng.fromSeed(1))).toThrow(
      /algorithm: must be one of/,
    );
  });
});

describe.each(NAMES)('%s', (name) => {
  /** Drives an algorithm directly (no session), evaluating everything it asks. */
  function drive(evaluations: number, seed = 1) {
    const { problem, metricsOf, oracle } = toyProblem();
    const algo = createAlgorithm(name, problem, Rng.fromSeed(seed));
    let best = -Infinity;
    let used = 0;
    while (used < evaluations) {
      const batch = algo.ask();
      const results: Evaluated<readonly number[]>[] = batch.map((arch) => {
        const metrics = metricsOf(arch);
        return {
          arch,
          key: problem.space.canonical(arch),
          metrics,
          violation: violation(problem.constraints, metrics),
        };
      });
      algo.tell(results);
      used += batch.length;
      for (const r of results) if (r.violation === 0) best = Math.max(best, r.metrics.acc as number);
    }
    return { best, oracle, algo, problem };
  }

  it('asks valid archs and improves over its first batch', () => {
    const { best, oracle } = drive(600);
    expect(best).toBeGreaterThan(oracle - 1.5);
  });

  it('resumes from a JSON state with the same proposals', () => {
    const { algo, problem } = drive(100, 7);
    const restored = restoreAlgorithm(name, problem, JSON.parse(JSON.stringify(algo.state())));
    expect(restored.ask()).toEqual(algo.ask());
  });

  it('rejects a tell that does not match the ask', () => {
    const { problem } = toyProblem();
    const algo = createAlgorithm(name, problem, Rng.fromSeed(3));
    const batch = algo.ask();
    const wrong = batch.slice(0, 1).map((arch) => ({ arch, key: 'nope', metrics: {}, violation: 0 }));
    expect(() => algo.tell(wrong)).toThrow(/tell\(\)/);
    expect(() => restoreAlgorithm(name, problem, { algorithm: 'other' })).toThrow(/state/);
  });
});

describe('evolution', () => {
  it('keeps only feasible candidates as parents when feasible ones exist', () => {
    const { problem, metricsOf } = toyProblem(6, 5, 6);
    const algo = createAlgorithm('evolution', problem, Rng.fromSeed(2), { populationSize: 8 });
    for (let round = 0; round < 30; round++) {
      algo.tell(
        algo.ask().map((arch) => {
          const metrics = metricsOf(arch);
          return {
            arch,
            key: problem.space.canonical(arch),
            metrics,
            violation: violation(problem.constraints, metrics),
          };
        }),
      );
    }
    const state = algo.state() as { parents: { m: Record<string, number> }[]; generation: number };
    expect(state.generation).toBeGreaterThan(2);
    expect(state.parents.every((p) => p.m.lat <= 6)).toBe(true);
  });

  it('completes a generation with the least-violating candidates when nothing is feasible', () => {
    const { problem, metricsOf } = toyProblem(6, 5, -1);
    const algo = createAlgorithm('evolution', problem, Rng.fromSeed(2), {
      populationSize: 8,
      attemptFactor: 2,
    });
    for (let round = 0; round < 10; round++) {
      algo.tell(
        algo.ask().map((arch) => {
          const metrics = metricsOf(arch);
          return {
            arch,
            key: problem.space.canonical(arch),
            metrics,
            violation: violation(problem.constraints, metrics),
          };
        }),
      );
    }
    const state = algo.state() as { parents: unknown[]; generation: number };
    expect(state.generation).toBeGreaterThanOrEqual(3);
    expect(state.parents).toHaveLength(2);
  });
});

describe('ofa', () => {
  function run(maxLatency: number, rounds: number, options: Record<string, number>) {
    const { problem, metricsOf } = toyProblem(6, 5, maxLatency);
    const algo = createAlgorithm('ofa', problem, Rng.fromSeed(4), options);
    let asked = 0;
    for (let round = 0; round < rounds; round++) {
      const batch = algo.ask();
      asked += batch.length;
      algo.tell(
        batch.map((arch) => {
          const metrics = metricsOf(arch);
          const key = problem.space.canonical(arch);
          return { arch, key, metrics, violation: violation(problem.constraints, metrics) };
        }),
      );
    }
    return {
      state: algo.state() as {
        population: { m: Record<string, number> }[];
        generation: number;
        stopped: string | null;
      },
      asked,
    };
  }

  it('keeps only candidates that meet the constraints, and evolves generation after generation', () => {
    const { state } = run(6, 100, { populationSize: 12, generations: 50 });
    expect(state.generation).toBeGreaterThan(3);
    expect(state.population.length).toBeGreaterThan(0);
    expect(state.population.every((p) => p.m.lat <= 6)).toBe(true);
  });

  it('stops (instead of looping like OFA) when no candidate can meet the budget', () => {
    const { state, asked } = run(-1, 40, { populationSize: 8, infeasibleRounds: 5 });
    expect(state.stopped).toBe('infeasible');
    expect(state.population).toHaveLength(0);
    // It asked for nothing more once it had given up.
    expect(asked).toBeLessThanOrEqual(8 * 5);
  });

  it('stops after its generations', () => {
    const { state } = run(100, 60, { populationSize: 8, generations: 3 });
    expect(state.stopped).toBe('done');
    expect(state.generation).toBe(3);
  });
});
