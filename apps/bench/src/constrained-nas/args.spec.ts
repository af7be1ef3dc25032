import { parseArgs, parseBudgets } from './args';

describe('bench:constrained-nas arguments', () => {
  it('has the documented defaults', () => {
    const a = parseArgs(['--latency', 'l.json', '--accuracy', 'a.json']);
    expect(a).toMatchObject({
      maxMeasurements: 20,
      shots: 1,
      dataset: 'cifar100',
      evaluations: 1000,
      json: false,
    });
  });

  it('reads budgets per device and refuses a split that leaves nothing to verify', () => {
    expect([...parseBudgets('titanx_1:5.2,titanx_1:7,gold_6240:30')]).toEqual([
      ['titanx_1', [5.2, 7]],
      ['gold_6240', [30]],
    ]);
    expect(() => parseArgs(['--latency', 'l', '--accuracy', 'a', '--shots', '10'])).toThrow(
      'nothing to verify',
    );
    expect(() => parseBudgets('titanx_1:-1')).toThrow('device:ms');
  });
});
