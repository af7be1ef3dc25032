import { DEFAULT_TRAINING } from '@tailor/nn';
import { parseSupernetArgs } from './supernet-args';

describe('parseSupernetArgs', () => {
  it('train: --epochs per phase, 0 skips a phase; defaults otherwise', () => {
    const a = parseSupernetArgs(['train', '--out', 'd', '--epochs', '2,0,1,3', '--images-per-epoch', '5000']);
    expect(a.command).toBe('train');
    if (a.command !== 'train') return;
    expect(a.config.phases.map((p) => [p.phase, p.epochs])).toEqual([
      ['full', 2],
      ['depth', 1],
      ['expand', 3],
    ]);
    expect(a.config.imagesPerEpoch).toBe(5000);
    expect(a.config.batchSize).toBe(DEFAULT_TRAINING.batchSize);
    expect(a.space).toBe('fmnist-mbv3');
  });

  it('train --arch: one subnet from scratch, the full phase alone, for the supernet total of epochs by default', () => {
    const a = parseSupernetArgs(['train', '--out', 'd', '--arch', 'w1.0-d1,1,1,1']);
    if (a.command !== 'train') throw new Error('not train');
    expect(a.config.arch).toBe('w1.0-d1,1,1,1');
    expect(a.config.phases).toEqual([{ ...DEFAULT_TRAINING.phases[0], epochs: 8 }]);
    const b = parseSupernetArgs(['train', '--out', 'd', '--arch', 'a', '--epochs', '3']);
    expect(b.command === 'train' && b.config.phases[0].epochs).toBe(3);
    expect(() => parseSupernetArgs(['train', '--out', 'd', '--arch', 'a', '--epochs', '4,1,1,2'])).toThrow(
      /--epochs: must be an integer/,
    );
  });

  it('score and evaluate take their own flags with defaults', () => {
    expect(parseSupernetArgs(['score', '--checkpoint', 'c', '--out', 'f'])).toMatchObject({
      command: 'score',
      samples: 1000,
      calibrationImages: 2000,
      seed: 0,
    });
    expect(parseSupernetArgs(['evaluate', '--checkpoint', 'c', '--arch', 'a'])).toMatchObject({
      split: 'test',
    });
  });

  it.each([
    [['fit'], /unknown supernet command/],
    [['train'], /--out DIR|--out is required/],
    [['train', '--out', 'd', '--epochs', '1,1'], /needs 4 counts/],
    [['train', '--out', 'd', '--batch', '0'], /--batch: must be an integer/],
    [['score', '--checkpoint', 'c', '--out', 'f', '--arch', 'x'], /unknown option "--arch"/],
    [['evaluate', '--checkpoint', 'c', '--arch', 'a', '--split', 'train'], /must be test or validation/],
  ])('%j is refused naming the problem', (argv, message) => {
    expect(() => parseSupernetArgs(argv)).toThrow(message);
  });
});
