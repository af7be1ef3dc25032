import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '@tailor/common';
import type { SupernetsRepository } from '@tailor/persistence';
import { AccuracyPredictor } from '@tailor/predictors';
import { SearchSpaceRegistry, defaultSearchSpacesDir } from '@tailor/search-spaces';
import { MetricEvaluator } from './metric-evaluator';
import { ACCURACY_PREDICTOR_FILE, SUPERNET_DATASET, SupernetAccuracy } from './supernet-accuracy';

const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('fmnist-mbv3');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A predictor fitted to "accuracy grows with FLOPs", written where a supernet's predictor goes. */
function supernetDirWithPredictor(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tailor-acc-'));
  dirs.push(dir);
  const rng = Rng.fromSeed(1);
  const samples = Array.from({ length: 200 }, () => {
    const arch = space.sample(rng);
    return { encoding: space.encode(arch), accuracy: 0.8 + space.flops(arch) / 300 };
  });
  const p = AccuracyPredictor.fit(space.id, samples, { seed: 2, epochs: 30, hiddenUnits: 32 });
  writeFileSync(join(dir, ACCURACY_PREDICTOR_FILE), JSON.stringify(p.toJSON()));
  p.dispose();
  return dir;
}

const repoOf = (rows: Array<{ id: string; status: string; checkpointDir: string }>): SupernetsRepository =>
  ({ list: async () => rows }) as unknown as SupernetsRepository;

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('SupernetAccuracy', () => {
  it('answers accuracy:fashion-mnist from the newest succeeded supernet that has a predictor, in percent', async () => {
    const dir = supernetDirWithPredictor();
    const rows = [
      { id: 'training', status: 'running', checkpointDir: dir },
      { id: 'no-predictor', status: 'succeeded', checkpointDir: tmpdir() },
      { id: 'ready', status: 'succeeded', checkpointDir: dir },
    ];
    const source = await new SupernetAccuracy(repoOf(rows)).load(space, SUPERNET_DATASET);
    expect(source?.supernetId).toBe('ready');
    const archs = [
      space.parse('w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x'),
      space.sample(Rng.fromSeed(9)),
    ];
    const predicted = source!.predict(archs);
    expect(predicted.every((v) => v > 50 && v < 120)).toBe(true);

    // In a search, the evaluator fills the metric in one batched call for table-less datasets.
    const evaluator = new MetricEvaluator(
      space,
      [{ metric: `accuracy:${SUPERNET_DATASET}`, goal: 'max' }],
      [],
      {
        latency: new Map(),
        accuracy: new Map(),
        predictedAccuracy: new Map([[SUPERNET_DATASET, source!.predict]]),
      },
    );
    const rowsOut = await evaluator.evaluate(archs);
    expect(rowsOut.map((r) => r[`accuracy:${SUPERNET_DATASET}`])).toEqual(predicted);
    expect(evaluator.evaluateOne(archs[0])[`accuracy:${SUPERNET_DATASET}`]).toBe(predicted[0]);
  });

  it('is null for other datasets and when no supernet has a predictor', async () => {
    const dir = supernetDirWithPredictor();
    expect(
      await new SupernetAccuracy(repoOf([{ id: 'a', status: 'succeeded', checkpointDir: dir }])).load(
        space,
        'cifar10',
      ),
    ).toBeNull();
    expect(await new SupernetAccuracy(repoOf([])).load(space, SUPERNET_DATASET)).toBeNull();
  });
});
