import { parseArgs } from './parse-args';

describe('parseArgs', () => {
  it('defaults to serve', () => {
    expect(parseArgs([])).toEqual({ command: 'serve', imports: [] });
  });

  it('reads port, data dir and several imports', () => {
    expect(
      parseArgs(['serve', '--port', '4000', '--import', 'a.json', 'b.json', '--data-dir', '/tmp/x']),
    ).toEqual({
      command: 'serve',
      port: 4000,
      dataDir: '/tmp/x',
      imports: ['a.json', 'b.json'],
    });
  });

  it('reads --agents and hands agent arguments through untouched', () => {
    expect(parseArgs(['serve', '--agents', '2'])).toEqual({ command: 'serve', agents: 2, imports: [] });
    expect(() => parseArgs(['serve', '--agents', '-1'])).toThrow(/--agents: must be an integer in \[0, 16\]/);
    expect(parseArgs(['agent', '--server', 'http://x', '--runtime', 'onnxruntime'])).toEqual({
      command: 'agent',
      imports: [],
      rest: ['--server', 'http://x', '--runtime', 'onnxruntime'],
    });
  });

  it('names the bad flag', () => {
    expect(() => parseArgs(['serve', '--port', 'abc'])).toThrow(/--port: must be a port number, got "abc"/);
    expect(() => parseArgs(['serve', '--bogus'])).toThrow(/unknown option "--bogus"/);
    expect(() => parseArgs(['launch'])).toThrow(/unknown command "launch"/);
  });
});
