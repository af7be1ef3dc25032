import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { parseOfaBenchArgs } from './ofa-args';
import { uniformArchs } from './uniform';

describe('bench:ofa arguments', () => {
  it('defaults to two devices and three budgets, the twins sized from the shipped supernet', () => {
    expect(parseOfaBenchArgs([])).toEqual({
      devices: 2,
      budgets: [0.2, 0.45, 0.7],
      evaluations: 2000,
      skipScratch: false,
    });
    expect(
      parseOfaBenchArgs([
        '--devices',
        '1',
        '--budgets',
        '0.5',
        '--scratch-images-per-epoch',
        '2500',
        '--skip-scratch',
      ]),
    ).toMatchObject({ devices: 1, budgets: [0.5], scratchImagesPerEpoch: 2500, skipScratch: true });
  });

  it.each([
    [['--devices', '9'], /--devices: an integer in \[1, 4\]/],
    [['--budgets', '0.5,1.5'], /--budgets: fractions in \(0, 1\)/],
    [['--evaluations'], /needs a value/],
    [['--fast', '1'], /unknown option/],
  ])('%j is refused naming the flag', (argv, message) => {
    expect(() => parseOfaBenchArgs(argv)).toThrow(message);
  });
});

describe('uniformArchs (the uniformly scaled baseline)', () => {
  const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get('fmnist-mbv3');

  it('lists every uniform setting once, from the largest network down to the smallest', () => {
    const archs = uniformArchs(space);
    expect(archs).toHaveLength(2 * 3 * 3 * 3);
    expect(archs[0]).toBe('w1.0-d3,3,3,3-ks7,7,7,7,7,7,7,7,7,7,7,7-e4,4,4,4,4,4,4,4,4,4,4,4');
    expect(archs.at(-1)).toBe('w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x');
    const macs = archs.map((a) => space.flops(space.parse(a)));
    expect(macs).toEqual([...macs].sort((a, b) => b - a));
  });
});
