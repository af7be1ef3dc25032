import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '@tailor/common';
import { AccuracyPredictor, type AccuracySample } from './accuracy-predictor';

/** A nonlinear accuracy over a 24-dim one-hot-like encoding (8 slots × 3 choices) plus noise. */
function synthetic(n: number, seed: number): AccuracySample[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => {
    const choices = Array.from({ length: 8 }, () => rng.int(3));
    const encoding = choices.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
    const size = choices.reduce((a, c) => a + c, 0) / 16;
    const accuracy =
      0.8 + 0.12 * Math.sqrt(size) - (0.02 * choices[0] * choices[1]) / 4 + 0.004 * (rng.next() - 0.5);
    return { encoding, accuracy };
  });
}

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('AccuracyPredictor', () => {
  const samples = synthetic(600, 1);
  let predictor: AccuracyPredictor;
  afterAll(() => predictor?.dispose());

  it('ranks held-out subnets (Spearman > 0.9) with a small error, leaking no tensors', () => {
    const before = tf.memory().numTensors;
    predictor = AccuracyPredictor.fit('toy', samples, { seed: 3, epochs: 40, hiddenUnits: 64 });
    const report = predictor.report!;
    expect(report.heldOut).toBe(120);
    expect(report.spearman).toBeGreaterThan(0.9);
    expect(report.maePoints).toBeLessThan(1);
    expect(report.lossCurve.length).toBeGreaterThan(2);
    const weights = predictor.toJSON().layers.length * 2;
    expect(tf.memory().numTensors - before).toBe(weights);
  });

  it('round-trips through JSON with identical predictions', () => {
    const copy = AccuracyPredictor.fromJSON(JSON.parse(JSON.stringify(predictor.toJSON())));
    const probe = samples.slice(0, 20).map((s) => s.encoding);
    expect(copy.predict(probe)).toEqual(predictor.predict(probe));
    expect(copy.report).toEqual(predictor.report);
    copy.dispose();
  });

  it('is deterministic for a seed', () => {
    // Seed 0 included: tfjs initialisers take 0 as "no seed".
    const a = AccuracyPredictor.fit('toy', samples.slice(0, 100), { seed: 0, epochs: 3, hiddenUnits: 16 });
    const b = AccuracyPredictor.fit('toy', samples.slice(0, 100), { seed: 0, epochs: 3, hiddenUnits: 16 });
    expect(a.predict([samples[0].encoding])).toEqual(b.predict([samples[0].encoding]));
    a.dispose();
    b.dispose();
  });

  it('refuses encodings of the wrong length and bad samples, naming them', () => {
    expect(() => predictor.predict([[1, 0]])).toThrow(/encodings\[0\]: has length 2, the predictor takes 24/);
    const bad = [...samples.slice(0, 20), { encoding: [1], accuracy: 0.5 }];
    expect(() => AccuracyPredictor.fit('toy', bad, { seed: 1 })).toThrow(/samples\[20\]\.encoding/);
    expect(() => AccuracyPredictor.fit('toy', samples.slice(0, 5), { seed: 1 })).toThrow(/at least 10/);
    expect(() => AccuracyPredictor.fromJSON({ format: 'x' })).toThrow(/tailor-accuracy-predictor/);
  });
});
