import { USAGE } from './parse-args';
import { parsePredictorArgs, PREDICTOR_USAGE } from './predictor-command';

describe('parsePredictorArgs', () => {
  it('reads evaluate with its defaults', () => {
    expect(parsePredictorArgs(['evaluate', '--train', 'a.json', '--devices', 'x,y', '--json'])).toEqual({
      command: 'evaluate',
      train: 'a.json',
      devices: ['x', 'y'],
      samples: 10,
      seeds: 5,
      json: true,
    });
  });

  it('reads train: files, options and device lists', () => {
    expect(parsePredictorArgs(['train', '--train', 'farm.json', '--out', 'p.json'])).toEqual({
      command: 'train',
      train: 'farm.json',
      out: 'p.json',
    });
    expect(
      parsePredictorArgs([
        'train',
        '--train',
        'farm.json',
        '--out',
        'p.json',
        '--steps',
        '2000',
        '--members',
        '2',
        '--sources',
        'a,b,,c',
        '--validation',
        'd',
        '--seed',
        '7',
      ]),
    ).toEqual({
      command: 'train',
      train: 'farm.json',
      out: 'p.json',
      steps: 2000,
      members: 2,
      sources: ['a', 'b', 'c'],
      validation: ['d'],
      seed: 7,
    });
  });

  it('requires --train and --out for train', () => {
    expect(() => parsePredictorArgs(['train', '--out', 'p.json'])).toThrow(
      /--train: --train FILE is required/,
    );
    expect(() => parsePredictorArgs(['train', '--train', 'f.json'])).toThrow(/--out: --out FILE is required/);
  });

  it('names the bad flag', () => {
    const base = ['train', '--train', 'f.json', '--out', 'p.json'];
    expect(() => parsePredictorArgs([...base, '--steps', '0'])).toThrow(
      /--steps must be an integer in \[1, 1000000\], got "0"/,
    );
    expect(() => parsePredictorArgs([...base, '--members', '1.5'])).toThrow(/--members must be an integer/);
    expect(() => parsePredictorArgs([...base, '--seed', '-1'])).toThrow(/--seed must be an integer/);
    expect(() => parsePredictorArgs([...base, '--sources', ','])).toThrow(
      /--sources: needs at least one device/,
    );
    expect(() => parsePredictorArgs([...base, '--out'])).toThrow(/--out: needs a value/);
    expect(() => parsePredictorArgs([...base, '--steps', '--members'])).toThrow(/--steps: needs a value/);
    // Options of the other subcommand are refused, not ignored.
    expect(() => parsePredictorArgs([...base, '--json'])).toThrow(
      /unknown option "--json" for predictor train/,
    );
    expect(() => parsePredictorArgs(['evaluate', '--train', 'f.json', '--out', 'p.json'])).toThrow(
      /unknown option "--out" for predictor evaluate/,
    );
    expect(() => parsePredictorArgs(['fit'])).toThrow(/unknown predictor command "fit"/);
  });

  it('both usage texts describe train', () => {
    expect(PREDICTOR_USAGE).toMatch(/tailor predictor train --train FILE --out FILE/);
    expect(USAGE).toMatch(/tailor predictor train --train FILE --out FILE/);
  });
});
