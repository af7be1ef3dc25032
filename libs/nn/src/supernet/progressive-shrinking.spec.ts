import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { ElasticSpace, FmnistArch } from '@tailor/search-spaces';
import { type FashionMnist, loadFashionMnist } from '../data/fashion-mnist';
import { loadSpaces } from '../testing/parity';
import { registerWasmGradKernels } from '../wasm-grad-kernels';
import { DEFAULT_TRAINING, type TrainingConfig, validateTrainingConfig } from './ps-config';
import { trainSupernet } from './progressive-shrinking';
import { ElasticSupernet } from './elastic-supernet';
import { readManifest } from './supernet-checkpoint';

const space = loadSpaces().get('fmnist-mbv3') as ElasticSpace<FmnistArch>;

/** A few real Fashion-MNIST steps through every phase: seconds, not minutes. */
const tiny: TrainingConfig = {
  ...DEFAULT_TRAINING,
  batchSize: 16,
  imagesPerEpoch: 32,
  warmupSteps: 1,
  phases: [
    { phase: 'full', epochs: 1, learningRate: 0.05, subnetsPerStep: 1 },
    { phase: 'kernel', epochs: 1, learningRate: 0.02, subnetsPerStep: 1 },
    { phase: 'depth', epochs: 1, learningRate: 0.02, subnetsPerStep: 1 },
    { phase: 'expand', epochs: 1, learningRate: 0.02, subnetsPerStep: 2 },
  ],
  calibrationImages: 32,
  validationImages: 32,
};

let data: FashionMnist;
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tailor-ps-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  registerWasmGradKernels();
  data = loadFashionMnist();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const weightsOf = (net: { variables: ReadonlyMap<string, tf.Variable> }): Map<string, Float32Array> =>
  new Map([...net.variables].map(([k, v]) => [k, v.dataSync() as Float32Array]));

describe('progressive shrinking on Fashion-MNIST (tiny run)', () => {
  it('runs full → kernel → depth → expand, reporting each epoch and checkpointing the end state', async () => {
    const dir = tempDir();
    const epochs: string[] = [];
    const before = tf.memory().numTensors;
    const result = await trainSupernet({
      space,
      data,
      dir,
      config: tiny,
      onProgress: (p) => p.epochRecord && epochs.push(p.epochRecord.phase),
    });
    expect(epochs).toEqual(['full', 'kernel', 'depth', 'expand']);
    expect(result.state.done).toBe(true);
    const history = readManifest<typeof result.state>(dir).state.history;
    expect(history).toHaveLength(4);
    for (const h of history) {
      expect(Number.isFinite(h.meanLoss)).toBe(true);
      expect(h.largestAccuracy).toBeGreaterThanOrEqual(0);
      expect(h.images).toBe(32);
    }
    const live = tf.memory().numTensors - result.net.variables.size;
    result.net.dispose();
    // Only the supernet's own variables outlive the run (freed just above).
    expect(live).toBe(before);
  }, 120_000);

  it('a run stopped mid-phase and resumed ends with exactly the weights of an uninterrupted run', async () => {
    const config: TrainingConfig = { ...tiny, phases: tiny.phases.slice(0, 2) };
    const whole = await trainSupernet({ space, data, dir: tempDir(), config });
    const dir = tempDir();
    let polls = 0;
    const first = await trainSupernet({ space, data, dir, config, shouldStop: () => ++polls > 3 });
    expect(first.stopped).toBe(true);
    expect(first.state.phaseIndex).toBe(1);
    first.net.dispose();
    const resumed = await trainSupernet({ space, data, dir, config });
    expect(resumed.state.done).toBe(true);
    const a = weightsOf(whole.net);
    const b = weightsOf(resumed.net);
    for (const [name, w] of a) expect(Array.from(b.get(name)!)).toEqual(Array.from(w));
    whole.net.dispose();
    resumed.net.dispose();
  }, 120_000);

  it('trains one fixed arch from scratch when config.arch is set (the baseline twin)', async () => {
    const arch = 'w0.75-d1,1,1,1-ks3,x,x,5,x,x,3,x,x,3,x,x-e2,x,x,3,x,x,2,x,x,4,x,x';
    const config: TrainingConfig = { ...tiny, arch, phases: tiny.phases.slice(0, 1) };
    const result = await trainSupernet({ space, data, dir: tempDir(), config });
    // Only the slices of that arch moved: the third block of stage 1 kept its initial weights.
    const fresh = ElasticSupernet.create(space, tiny.seed);
    const name = 'stage1.block3.expand.conv';
    expect(Array.from(result.net.variables.get(name)!.dataSync())).toEqual(
      Array.from(fresh.variables.get(name)!.dataSync()),
    );
    expect(Array.from(result.net.variables.get('stage1.block1.expand.conv')!.dataSync())).not.toEqual(
      Array.from(fresh.variables.get('stage1.block1.expand.conv')!.dataSync()),
    );
    expect(() => validateTrainingConfig({ ...tiny, arch })).toThrow(/^arch: /);
    fresh.dispose();
    result.net.dispose();
  }, 60_000);

  it('rejects a bad config naming the field', () => {
    expect(() => validateTrainingConfig({ ...tiny, batchSize: 0 })).toThrow(/batchSize/);
    const swapped = [tiny.phases[1], tiny.phases[0]];
    expect(() => validateTrainingConfig({ ...tiny, phases: swapped })).toThrow(/phases\[1\]\.phase/);
    expect(() => validateTrainingConfig({ ...tiny, labelSmoothing: 1 })).toThrow(/labelSmoothing/);
  });
});
