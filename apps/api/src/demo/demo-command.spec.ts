import { parseDemoArgs } from './demo-command';

describe('tailor demo arguments', () => {
  it('defaults to two agents, 2,000 evaluations and a budget 40 % of the way up', () => {
    expect(parseDemoArgs([])).toEqual({
      agents: 2,
      out: 'demo-output',
      evaluations: 2000,
      budgetFraction: 0.4,
    });
    expect(parseDemoArgs(['--agents', '1', '--out', 'o', '--budget-fraction', '0.7'])).toMatchObject({
      agents: 1,
      out: 'o',
      budgetFraction: 0.7,
    });
  });

  it.each([
    [['--agents', '9'], '--agents', /must be an integer in \[1, 4\], got "9"/],
    [['--out'], '--out', /^--out: needs a value\n/],
    [['--budget-fraction', '1'], '--budget-fraction', /must be a number in \(0, 1\)/],
    [['--fast', 'yes'], '--fast', /unknown option "--fast"/],
  ])('%j is refused naming %s', (argv, field, message) => {
    let error: unknown;
    try {
      parseDemoArgs(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field, message: expect.stringMatching(message) });
  });
});
