import { agentCommandArgs, parseAgentArgs, UsageError, type AgentArgs } from './args';

const parse = (...argv: string[]) => parseAgentArgs(argv, 'host') as AgentArgs;
const problem = (...argv: string[]): UsageError => {
  try {
    parseAgentArgs(argv, 'host');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
};

describe('parseAgentArgs', () => {
  it('applies the defaults', () => {
    expect(parse('--server', 'http://127.0.0.1:3000/')).toEqual({
      help: false,
      server: 'http://127.0.0.1:3000',
      enrollToken: undefined,
      runtime: 'tfjs-wasm',
      threads: 1,
      batch: 1,
      name: 'host-tfjs-wasm',
      stateDir: './.tailor-agent',
    });
  });

  it('reads every flag, in both --flag value and --flag=value form', () => {
    const args = parse(
      '--server=https://farm.example',
      '--enroll-token',
      'tok',
      '--runtime',
      'onnxruntime',
      '--threads=4',
      '--batch',
      '8',
      '--name',
      'lab-1',
      '--state-dir',
      '/tmp/a',
    );
    expect(args).toMatchObject({
      server: 'https://farm.example',
      enrollToken: 'tok',
      runtime: 'onnxruntime',
      threads: 4,
      batch: 8,
      name: 'lab-1',
      stateDir: '/tmp/a',
    });
  });

  it('replay mode: runtime becomes replay and the name carries the device', () => {
    const args = parse('--server', 'http://x', '--replay', 'f.json', '--device', 'pixel3');
    expect(args).toMatchObject({ runtime: 'replay', replay: { file: 'f.json', device: 'pixel3' } });
    expect(args.name).toBe('host-replay-pixel3');
  });

  it('--help wins over values that would be refused', () => {
    expect(parseAgentArgs(['--runtime', 'nope', '--help'])).toEqual({ help: true });
  });

  it.each([
    [[], '--server', 'is required'],
    [['--server', 'ftp://x'], '--server', 'http:// or https://'],
    [['--server', 'not a url'], '--server', 'is not a URL'],
    [['--server', 'http://x', '--frobnicate', '1'], '--frobnicate', 'unknown option'],
    [['--server', 'http://x', 'extra'], 'extra', 'unexpected argument'],
    [
      ['--server', 'http://x', '--runtime', 'tfjs-gpu'],
      '--runtime',
      'unknown runtime "tfjs-gpu"; known: tfjs-wasm',
    ],
    [['--server', 'http://x', '--threads', '0'], '--threads', 'integer between 1 and 1024'],
    [['--server', 'http://x', '--batch', '2.5'], '--batch', 'integer between 1 and 1024'],
    [['--server', 'http://x', '--name'], '--name', 'needs a value'],
    [['--server', 'http://x', '--name', '--batch', '2'], '--name', 'needs a value'],
    [['--server', 'http://x', '--server', 'http://y'], '--server', 'given more than once'],
    [['--server', 'http://x', '--replay', 'f.json'], '--replay', 'needs --device'],
    [['--server', 'http://x', '--device', 'pixel3'], '--device', 'needs --replay'],
    [
      ['--server', 'http://x', '--replay', 'f', '--device', 'd', '--runtime', 'tfjs-cpu'],
      '--runtime',
      'cannot be combined',
    ],
    [
      ['--server', 'http://x', '--replay', 'f', '--device', 'd', '--batch', '2'],
      '--batch',
      'cannot be combined',
    ],
    [['--server', 'http://x', '--name', 'n'.repeat(65)], '--name', 'at most 64'],
  ])('%j is refused naming %s', (argv, flag, text) => {
    const e = problem(...argv);
    expect(e.flag).toBe(flag);
    expect(e.message).toContain(`${flag}: `);
    expect(e.message).toContain(text);
  });
});

describe('agentCommandArgs', () => {
  it('builds the arguments parseAgentArgs reads back', () => {
    const launch = {
      server: 'http://127.0.0.1:3000',
      enrollToken: 'tfe_x',
      runtime: 'onnxruntime' as const,
      threads: 2,
      batch: 16,
      name: 'local-onnxruntime-t2-b16',
      stateDir: '/tmp/agents/a',
    };
    expect(parse(...agentCommandArgs(launch))).toEqual({ help: false, ...launch });
    expect(parse(...agentCommandArgs({ ...launch, enrollToken: undefined })).enrollToken).toBeUndefined();
  });
});
