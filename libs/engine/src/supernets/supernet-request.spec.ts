import { DEFAULT_TRAINING } from '@tailor/nn';
import { type CreateSupernet, supernetTrainingConfig } from './supernet-request';

const base: CreateSupernet = { searchSpace: 'fmnist-mbv3' };
const epochs = (full: number, kernel: number, depth: number, expand: number) => ({
  epochs: { full, kernel, depth, expand },
});

describe('supernetTrainingConfig', () => {
  it('is DEFAULT_TRAINING for a bare request', () => {
    expect(supernetTrainingConfig(base)).toEqual(DEFAULT_TRAINING);
  });

  it('takes the phases with epochs (in PS order) and the request values over the defaults', () => {
    const c = supernetTrainingConfig({
      ...base,
      ...epochs(1, 1, 0, 0),
      imagesPerEpoch: 32,
      batchSize: 16,
      seed: 7,
      calibrationImages: 32,
      validationImages: 64,
    });
    expect(c.phases.map((p) => [p.phase, p.epochs])).toEqual([
      ['full', 1],
      ['kernel', 1],
    ]);
    expect(c.phases[1]).toEqual({ ...DEFAULT_TRAINING.phases[1], epochs: 1 });
    expect(c).toMatchObject({
      imagesPerEpoch: 32,
      batchSize: 16,
      seed: 7,
      calibrationImages: 32,
      validationImages: 64,
      labelSmoothing: DEFAULT_TRAINING.labelSmoothing,
    });
  });

  it.each<[string, string, Record<string, unknown>, RegExp]>([
    ['an unknown space', 'searchSpace', { searchSpace: 'nasbench999' }, /must be one of fmnist-mbv3/],
    ['an elastic space without a supernet', 'searchSpace', { searchSpace: 'ofa-mbv3' }, /fmnist-mbv3/],
    ['zero epochs everywhere', 'epochs', epochs(0, 0, 0, 0), /at least one epoch/],
    ['no full phase', 'epochs.full', epochs(0, 1, 1, 1), /at least 1/],
    ['negative epochs', 'epochs.kernel', epochs(1, -1, 0, 0), /\[0, 1000\].*-1/],
    ['a fractional epoch count', 'epochs.depth', epochs(1, 0, 0.5, 0), /integer/],
    ['a missing phase', 'epochs.expand', { epochs: { full: 1, kernel: 1, depth: 1 } }, /undefined/],
    [
      'an unknown phase',
      'epochs.width',
      { epochs: { full: 1, kernel: 0, depth: 0, expand: 0, width: 1 } },
      /not a phase/,
    ],
    ['batchSize 0', 'batchSize', { batchSize: 0 }, /\[1, 4096\], got 0/],
    ['a batch over the limit', 'batchSize', { batchSize: 5000 }, /4096/],
    ['imagesPerEpoch 0', 'imagesPerEpoch', { imagesPerEpoch: 0 }, /got 0/],
    [
      'fewer images than a batch',
      'imagesPerEpoch',
      { imagesPerEpoch: 8, batchSize: 16 },
      /at least batchSize \(16\)/,
    ],
    ['a negative seed', 'seed', { seed: -1 }, /got -1/],
    ['a string seed', 'seed', { seed: '1' }, /got "1"/],
    ['calibrationImages 0', 'calibrationImages', { calibrationImages: 0 }, /got 0/],
    ['too many validation images', 'validationImages', { validationImages: 60_001 }, /60000/],
  ])('refuses %s, naming %s', (_, field, patch, message) => {
    let error: { code?: string; field?: string; message?: string } | undefined;
    try {
      supernetTrainingConfig({ ...base, ...patch } as unknown as CreateSupernet);
    } catch (err) {
      error = err as typeof error;
    }
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field });
    expect(error!.message).toMatch(message);
  });
});
