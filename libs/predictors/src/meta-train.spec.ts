import { Rng } from '@tailor/common';
import { LatencyPredictor } from './latency-predictor';
import { gaussian, MetaSgdModel, type MetaModelConfig } from './meta-sgd-model';
import { metaTrainMember, type SourceDevice } from './meta-train';
import { spearman } from './metrics';
import { ensureTrainingBackend } from './tf-backend';

/**
 * A toy family of devices: latency = exp(0.3·w · x), w = u + 0.6·r with a shared direction u and a
 * per-device random r in 12 dimensions. The 10 reference archs cannot pin down 12 unknowns, so the
 * measured shots carry information the hardware embedding lacks: meta-training must learn the family
 * (u), and the inner loop must use the shots.
 */
describe('Meta-SGD meta-training on a toy family of devices', () => {
  jest.setTimeout(120_000);
  const rng = Rng.fromSeed(7);
  const dim = 12;
  const archs = Array.from({ length: 300 }, () => Array.from({ length: dim }, () => gaussian(rng)));
  const u = Array.from({ length: dim }, () => gaussian(rng));
  const device = (id: string, r: Rng): SourceDevice => {
    const w = u.map((x) => x + 0.6 * gaussian(r));
    return { id, ms: archs.map((x) => Math.exp(0.3 * x.reduce((s, xi, j) => s + xi * w[j], 0))) };
  };
  const sources = Array.from({ length: 40 }, (_, i) => device(`src${i}`, rng));
  const unseen = Array.from({ length: 5 }, (_, i) => device(`new${i}`, rng));
  const referenceIndex = Array.from({ length: 10 }, (_, i) => i);
  const config: MetaModelConfig = {
    featureDim: dim,
    embeddingDim: 10,
    hidden: [32],
    basisDim: 16,
    innerSteps: 10,
    initialInnerLr: 0.5,
    linearSkip: true,
  };
  const scaler = { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) };
  const query = Array.from({ length: 100 }, (_, i) => 200 + i);

  /** Mean Spearman over the unseen devices, adapted on the references + 10 shots. */
  const score = (model: MetaSgdModel): number => {
    const p = new LatencyPredictor(
      [model],
      scaler,
      referenceIndex.map((i) => archs[i]),
    );
    const rhos = unseen.map((d) => {
      const cal = p.adapt(
        referenceIndex.map((i) => d.ms[i]),
        Array.from({ length: 10 }, (_, k) => ({ features: archs[20 + k], ms: d.ms[20 + k] })),
      );
      const est = p.predict(
        cal,
        query.map((i) => archs[i]),
      );
      return spearman(
        est.map((e) => e.ms),
        query.map((i) => d.ms[i]),
      );
    });
    return rhos.reduce((s, r) => s + r, 0) / rhos.length;
  };

  it('adapts to unseen devices, and both meta-training and the inner loop are needed for it', async () => {
    await ensureTrainingBackend();
    const model = MetaSgdModel.init(config, Rng.fromSeed(1));
    const untrained = score(model);
    const checkpoints = await metaTrainMember(
      model,
      { features: archs, referenceIndex, sources, usable: archs.map((_, i) => i).filter((i) => i < 200) },
      {
        steps: 300,
        outerLr: 3e-3,
        validateEvery: 300,
        seed: 3,
        shots: 10,
        queryPerEpisode: 32,
        episodesPerStep: 8,
        mixProbability: 0.5,
      },
      (m) => score(m),
    );
    const trained = checkpoints[checkpoints.length - 1].scores;
    // without the inner loop: the prior head from the hardware embedding alone
    const priorOnly = MetaSgdModel.fromWeights({ ...config, innerSteps: 0 }, model.weights());
    const withoutAdaptation = score(priorOnly);
    // measured here: untrained 0.38, prior head alone 0.87, adapted 0.90 (seeded)
    expect(trained).toBeGreaterThan(0.85);
    expect(trained).toBeGreaterThan(untrained + 0.3);
    expect(trained).toBeGreaterThan(withoutAdaptation + 0.01);
    model.dispose();
    priorOnly.dispose();
  });
});
