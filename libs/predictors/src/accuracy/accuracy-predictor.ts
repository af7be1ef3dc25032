import * as tf from '@tensorflow/tfjs';
import { Rng, TailorError, invalid } from '@tailor/common';
import { kendallTau, spearman } from '../metrics';

export const ACCURACY_PREDICTOR_FORMAT = 'tailor-accuracy-predictor';

export interface AccuracySample {
  readonly encoding: readonly number[];
  /** In [0, 1]. */
  readonly accuracy: number;
}

export interface AccuracyPredictorOptions {
  readonly seed: number;
  /** OFA: 3 hidden layers of 400 ReLU units. */
  readonly layers?: number;
  readonly hiddenUnits?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Share of the samples held out (seeded) for the report; the model never trains on them. */
  readonly heldOutFraction?: number;
}

export interface AccuracyReport {
  readonly train: number;
  readonly heldOut: number;
  readonly spearman: number;
  readonly kendallTau: number;
  /** Mean absolute error in accuracy points (percent). */
  readonly maePoints: number;
  readonly rmsePoints: number;
  /** Training MSE (on standardized targets) at a few epochs. */
  readonly lossCurve: ReadonlyArray<{ epoch: number; loss: number }>;
}

interface Snapshot {
  readonly format: typeof ACCURACY_PREDICTOR_FORMAT;
  readonly version: 1;
  readonly spaceId: string;
  readonly encodingLength: number;
  readonly mean: number;
  readonly std: number;
  /** Per layer: kernel [in, out] and bias [out], row-major float32 in base64 (a fifth of JSON numbers). */
  readonly layers: ReadonlyArray<{ shape: [number, number]; kernel: string; bias: string }>;
  readonly report?: AccuracyReport;
}

/**
 * OFA's accuracy predictor: an MLP from the space's arch encoding to top-1 accuracy, trained on
 * subnets whose accuracy was measured with recalibrated BN. Predicts in [0, 1]; targets are
 * standardized internally so the same learning rate works for any accuracy range.
 */
export class AccuracyPredictor {
  private constructor(
    readonly spaceId: string,
    readonly encodingLength: number,
    private readonly model: tf.Sequential,
    private readonly mean: number,
    private readonly std: number,
    readonly report?: AccuracyReport,
  ) {}

  static fit(
    spaceId: string,
    samples: readonly AccuracySample[],
    opts: AccuracyPredictorOptions,
  ): AccuracyPredictor {
    if (samples.length < 10)
      throw invalid('samples', `needs at least 10 scored subnets, got ${samples.length}`);
    const length = samples[0].encoding.length;
    samples.forEach((s, i) => {
      if (s.encoding.length !== length)
        throw invalid(`samples[${i}].encoding`, `has length ${s.encoding.length}, expected ${length}`);
      if (!(s.accuracy >= 0 && s.accuracy <= 1))
        throw invalid(`samples[${i}].accuracy`, `must be in [0, 1], got ${s.accuracy}`);
    });
    const order = Rng.fromSeed(opts.seed).shuffle(samples.map((_, i) => i));
    const held = Math.round(samples.length * (opts.heldOutFraction ?? 0.2));
    const test = order.slice(0, held).map((i) => samples[i]);
    const train = order.slice(held).map((i) => samples[i]);
    const ys = train.map((s) => s.accuracy);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const std = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length) || 1;
    const model = buildMlp(length, opts);
    const lossCurve = trainMlp(model, train, mean, std, opts);
    const predictor = new AccuracyPredictor(spaceId, length, model, mean, std);
    const report = test.length > 1 ? predictor.score(test, train.length, lossCurve) : undefined;
    return new AccuracyPredictor(spaceId, length, model, mean, std, report);
  }

  predict(encodings: readonly (readonly number[])[]): number[] {
    encodings.forEach((e, i) => {
      if (e.length !== this.encodingLength) {
        throw invalid(
          `encodings[${i}]`,
          `has length ${e.length}, the predictor takes ${this.encodingLength}`,
        );
      }
    });
    if (encodings.length === 0) return [];
    const out = tf.tidy(() => this.model.predict(tf.tensor2d(encodings as number[][])) as tf.Tensor);
    const values = Array.from(out.dataSync(), (v) => v * this.std + this.mean);
    out.dispose();
    return values;
  }

  private score(
    test: readonly AccuracySample[],
    trained: number,
    lossCurve: AccuracyReport['lossCurve'],
  ): AccuracyReport {
    const predicted = this.predict(test.map((s) => s.encoding));
    const actual = test.map((s) => s.accuracy);
    const errors = predicted.map((p, i) => 100 * (p - actual[i]));
    return {
      train: trained,
      heldOut: test.length,
      spearman: spearman(predicted, actual),
      kendallTau: kendallTau(predicted, actual),
      maePoints: errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length,
      rmsePoints: Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length),
      lossCurve,
    };
  }

  toJSON(): Snapshot {
    return {
      format: ACCURACY_PREDICTOR_FORMAT,
      version: 1,
      spaceId: this.spaceId,
      encodingLength: this.encodingLength,
      mean: this.mean,
      std: this.std,
      layers: this.model.layers.map((layer) => {
        const [kernel, bias] = layer.getWeights();
        return {
          shape: kernel.shape as [number, number],
          kernel: toBase64(kernel),
          bias: toBase64(bias),
        };
      }),
      report: this.report,
    };
  }

  static fromJSON(json: unknown): AccuracyPredictor {
    const s = json as Snapshot;
    if (s?.format !== ACCURACY_PREDICTOR_FORMAT || s.version !== 1) {
      throw new TailorError('INVALID_ARGUMENT', `not a ${ACCURACY_PREDICTOR_FORMAT} v1 file`, 'file');
    }
    const hidden = s.layers.slice(0, -1);
    const model = buildMlp(s.encodingLength, {
      seed: 0,
      layers: hidden.length,
      hiddenUnits: hidden[0]?.shape[1],
    });
    model.layers.forEach((layer, i) => {
      const l = s.layers[i];
      layer.setWeights([tf.tensor2d(fromBase64(l.kernel), l.shape), tf.tensor1d(fromBase64(l.bias))]);
    });
    return new AccuracyPredictor(s.spaceId, s.encodingLength, model, s.mean, s.std, s.report);
  }

  dispose(): void {
    this.model.dispose();
  }
}

const toBase64 = (t: tf.Tensor): string =>
  Buffer.from((t.dataSync() as Float32Array).buffer).toString('base64');

function fromBase64(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function buildMlp(inputs: number, opts: AccuracyPredictorOptions): tf.Sequential {
  const units = opts.hiddenUnits ?? 400;
  const model = tf.sequential();
  for (let i = 0; i < (opts.layers ?? 3); i++) {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        inputShape: i === 0 ? [inputs] : undefined,
        // +1: tfjs treats a seed of 0 as no seed at all.
        kernelInitializer: tf.initializers.heNormal({ seed: opts.seed + i + 1 }),
      }),
    );
  }
  model.add(
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: opts.seed + 99 }) }),
  );
  return model;
}

/** Plain minibatch Adam on MSE, shuffled by a seeded RNG: deterministic for a seed on one backend. */
function trainMlp(
  model: tf.Sequential,
  train: readonly AccuracySample[],
  mean: number,
  std: number,
  opts: AccuracyPredictorOptions,
): AccuracyReport['lossCurve'] {
  const epochs = opts.epochs ?? 200;
  const batchSize = opts.batchSize ?? 64;
  const optimizer = tf.train.adam(opts.learningRate ?? 1e-3);
  const rng = Rng.fromSeed(opts.seed + 1);
  const curve: { epoch: number; loss: number }[] = [];
  const x = tf.tensor2d(train.map((s) => s.encoding as number[]));
  const y = tf.tensor2d(train.map((s) => [(s.accuracy - mean) / std]));
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = rng.shuffle(train.map((_, i) => i));
    let total = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
      const loss = optimizer.minimize(() => {
        const pred = model.predict(tf.gather(x, idx)) as tf.Tensor;
        return tf.losses.meanSquaredError(tf.gather(y, idx), pred) as tf.Scalar;
      }, true)!;
      total += loss.dataSync()[0] * Math.min(batchSize, order.length - start);
      tf.dispose([loss, idx]);
    }
    if (epoch === 0 || (epoch + 1) % Math.max(1, Math.floor(epochs / 10)) === 0) {
      curve.push({ epoch: epoch + 1, loss: total / order.length });
    }
  }
  tf.dispose([x, y]);
  optimizer.dispose();
  return curve;
}
