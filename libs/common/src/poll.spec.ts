import { pollUntil } from './poll';

describe('pollUntil', () => {
  it('reads until done, reporting each new progress line once', async () => {
    let n = 0;
    const lines: string[] = [];
    const v = await pollUntil(
      'three reads',
      async () => ++n,
      (x) => x === 3,
      {
        timeoutMs: 5000,
        intervalMs: 1,
        describe: (x) => (x < 3 ? 'waiting' : 'done'),
        onChange: (l) => lines.push(l),
      },
    );
    expect(v).toBe(3);
    expect(lines).toEqual(['waiting', 'done']);
  });

  it('gives up after the timeout, naming what it waited for', async () => {
    await expect(
      pollUntil(
        'the moon',
        async () => 0,
        () => false,
        { timeoutMs: 5, intervalMs: 2 },
      ),
    ).rejects.toThrow('gave up waiting for the moon after 0.005 s');
  });
});
