import { toyProblem } from './testing/toy-spaces.helper-spec';
import { SearchSession, type SessionCheckpoint } from './search-session';
import type { AlgorithmName, EvaluationRecord } from './types';

const NAMES: AlgorithmName[] = ['random', 'evolution', 'regularized-evolution', 'nsga2', 'ofa'];

async function run(
  session: SearchSession<readonly number[]>,
  evaluate: ReturnType<typeof toyProblem>['evaluate'],
) {
  const out: EvaluationRecord[] = [];
  while (!session.done) out.push(...(await session.step(evaluate)));
  return out;
}

describe.each(NAMES)('SearchSession with %s', (algorithm) => {
  it('spends exactly the budget and never evaluates an arch twice', async () => {
    const { problem, evaluate } = toyProblem();
    const calls: number[] = [];
    const session = SearchSession.create(problem, { algorithm, seed: 5, budget: { evaluations: 137 } });
    const records = await run(session, async (archs) => (calls.push(archs.length), evaluate(archs)));
    expect(records).toHaveLength(137);
    expect(new Set(records.map((r) => r.key)).size).toBe(137);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    expect(session.progress()).toMatchObject({
      evaluations: 137,
      budget: 137,
      done: true,
      stopReason: 'budget',
    });
    expect(calls.every((n) => n > 0)).toBe(true);
    const best = session.best()!;
    expect(best.feasible).toBe(true);
    expect(session.topK(3)[0]).toBe(best);
    expect(session.pareto()).toEqual([best]);
  });

  it('resumes from a JSON checkpoint with exactly the same subsequent records', async () => {
    const { problem, evaluate } = toyProblem();
    const config = { algorithm, seed: 11, budget: { evaluations: 250 } };
    const straight = await run(SearchSession.create(problem, config), evaluate);

    const first = SearchSession.create(problem, config);
    for (let i = 0; i < 4; i++) await first.step(evaluate);
    const checkpoint = JSON.parse(JSON.stringify(first.checkpoint())) as SessionCheckpoint;
    const persisted = JSON.parse(JSON.stringify(first.records())) as EvaluationRecord[];
    const resumed = SearchSession.restore(problem, checkpoint, persisted);
    const rest = await run(resumed, evaluate);
    expect([...persisted, ...rest]).toEqual(straight);
  });

  it('replays a round whose records were persisted before the checkpoint', async () => {
    const { problem, evaluate } = toyProblem();
    const config = { algorithm, seed: 3, budget: { evaluations: 120 } };
    const straight = await run(SearchSession.create(problem, config), evaluate);
    const first = SearchSession.create(problem, config);
    await first.step(evaluate);
    const checkpoint = first.checkpoint();
    await first.step(evaluate); // records of round 2 persisted, crash before the checkpoint
    const resumed = SearchSession.restore(problem, checkpoint, first.records().slice());
    const rest = await run(resumed, evaluate);
    expect([...first.records(), ...rest]).toEqual(straight);
  });
});

describe('SearchSession', () => {
  it('stops when the space is exhausted', async () => {
    const { problem, evaluate } = toyProblem(3, 3, 4);
    const session = SearchSession.create(problem, {
      algorithm: 'evolution',
      seed: 1,
      budget: { evaluations: 1000 },
    });
    const records = await run(session, evaluate);
    expect(records).toHaveLength(27);
    expect(session.progress().stopReason).toBe('exhausted');
  });

  it('leaves the session unchanged when evaluate fails, so a retry asks the same batch', async () => {
    const { problem, evaluate } = toyProblem();
    const config = { algorithm: 'evolution' as const, seed: 9, budget: { evaluations: 60 } };
    const straight = await run(SearchSession.create(problem, config), evaluate);
    const session = SearchSession.create(problem, config);
    await session.step(evaluate);
    await expect(session.step(async () => Promise.reject(new Error('device offline')))).rejects.toThrow(
      'offline',
    );
    await run(session, evaluate);
    expect(session.records()).toEqual(straight);
  });

  it('validates its configuration and the records given to restore', async () => {
    const { problem } = toyProblem();
    expect(() =>
      SearchSession.create(problem, { algorithm: 'evolution', seed: 1.5, budget: { evaluations: 5 } }),
    ).toThrow(/seed/);
    expect(() =>
      SearchSession.create(problem, { algorithm: 'evolution', seed: 1, budget: { evaluations: 0 } }),
    ).toThrow(/budget\.evaluations/);
    const s = SearchSession.create(problem, { algorithm: 'random', seed: 1, budget: { evaluations: 5 } });
    expect(() => SearchSession.restore(problem, { ...s.checkpoint(), evaluations: 3 }, [])).toThrow(
      /records/,
    );
  });

  it('counts null metrics as infeasible', async () => {
    const { problem } = toyProblem();
    const session = SearchSession.create(problem, {
      algorithm: 'random',
      seed: 1,
      budget: { evaluations: 5 },
    });
    const records = await session.step(async (archs) => archs.map(() => ({ acc: 1, lat: null })));
    expect(records.every((r) => !r.feasible && r.violation === Infinity)).toBe(true);
  });
});
