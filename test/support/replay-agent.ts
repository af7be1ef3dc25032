import { join } from 'node:path';
import { type Agent, runAgentCommand } from '@tailor/device-farm';
import { enrollmentToken } from './fake-agent';
import type { TestServer } from './test-server';

export interface InProcessReplayAgent {
  deviceId: string;
  /** Stops the agent and resolves with its exit code. */
  stop(): Promise<number>;
}

/** A replay agent (device-farm/README.md) run in this process, answering from a HELP table. */
export async function startReplayAgent(
  t: TestServer,
  dir: string,
  replay: string,
  device: string,
): Promise<InProcessReplayAgent> {
  let agent: Agent | undefined;
  let out = '';
  const io = { write: (s: string) => (out += s) };
  const exit = runAgentCommand(
    [
      '--server',
      t.url,
      '--enroll-token',
      await enrollmentToken(t, 1),
      '--state-dir',
      join(dir, device),
      '--replay',
      replay,
      '--device',
      device,
    ],
    { stdout: io, stderr: io, signals: false, leaseWaitSec: 1, onAgent: (a) => (agent = a) },
  );
  const stop = async () => {
    await agent?.stop();
    return exit;
  };
  // Registered (its device exists) once it says so.
  for (const deadline = Date.now() + 60_000; !/serving device \S+/.test(out);) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`replay agent did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { stop, deviceId: /serving device (\S+)/.exec(out)![1] };
}
