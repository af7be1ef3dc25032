import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { agentCommandArgs, loadState } from '@tailor/device-farm';
import { FarmAdminService } from '@tailor/engine';
import type { RunningServer } from '../server';

/** Runtime configurations of local agents, in the order `--agents N` starts them. */
export const LOCAL_AGENT_CONFIGS = [
  { runtime: 'onnxruntime', threads: 1 },
  { runtime: 'tfjs-wasm', threads: 1 },
  { runtime: 'tfjs-cpu', threads: 1 },
  { runtime: 'onnxruntime', threads: 2 },
] as const;

export interface LocalFarm {
  readonly agents: ReadonlyArray<{ runtime: string; threads: number; pid: number | undefined }>;
  /**
   * The device agent `index` serves, once it has registered (read from its state dir, where the agent
   * saves its identity); rejects after `timeoutMs` or when the farm stops.
   */
  deviceId(index: number, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

const STATE_POLL_MS = 250;

/**
 * `tailor serve --agents N`: enrolls N agents on this machine and runs them as child processes, so a
 * fresh install measures its own hardware with no setup. Each keeps its identity in
 * `<data-dir>/agents/<runtime>-t<threads>`, so a restart is the same agent and device. A child that
 * dies is restarted after a pause; stop() sends SIGTERM (agents release their leases) and waits.
 */
export async function startLocalFarm(
  server: RunningServer,
  count: number,
  dataDir: string,
): Promise<LocalFarm> {
  const configs = Array.from({ length: count }, (_, i) => {
    const base = LOCAL_AGENT_CONFIGS[i % LOCAL_AGENT_CONFIGS.length];
    // Beyond the list, vary the batch so every agent is a distinct device.
    const batch = i < LOCAL_AGENT_CONFIGS.length ? 1 : 16;
    return {
      ...base,
      batch,
      stateDir: join(dataDir, 'agents', `${base.runtime}-t${base.threads}-b${batch}`),
    };
  });
  const { token } = await server.app
    .get(FarmAdminService)
    // Spare uses: an agent whose register response was lost retries and spends a second use.
    .createToken(
      { name: 'local agents (tailor serve --agents)', maxUses: 2 * count, expiresInHours: 1 },
      null,
    );
  let stopping = false;
  const children: Array<ChildProcess | undefined> = [];
  const spawnAgent = (i: number) => {
    const c = configs[i];
    const child = spawn(
      process.execPath,
      [
        process.argv[1],
        'agent',
        ...agentCommandArgs({
          server: server.url,
          enrollToken: token,
          runtime: c.runtime,
          threads: c.threads,
          batch: c.batch,
          name: `local-${c.runtime}-t${c.threads}-b${c.batch}`,
          stateDir: c.stateDir,
        }),
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    children[i] = child;
    console.log(`local agent ${c.runtime} (${c.threads} thread, batch ${c.batch}) started, pid ${child.pid}`);
    child.on('exit', (code, signal) => {
      children[i] = undefined;
      if (stopping) return;
      console.error(`local agent ${c.runtime}-t${c.threads} exited (${signal ?? code}); restarting in 5 s`);
      setTimeout(() => !stopping && spawnAgent(i), 5000).unref();
    });
  };
  configs.forEach((_, i) => spawnAgent(i));
  return {
    agents: configs.map((c, i) => ({ runtime: c.runtime, threads: c.threads, pid: children[i]?.pid })),
    deviceId: (index, timeoutMs = 120_000) =>
      new Promise<string>((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          if (stopping) return reject(new Error('the local farm stopped'));
          let deviceId: string | undefined;
          try {
            deviceId = loadState(configs[index].stateDir)?.deviceId;
          } catch {
            // half-written or foreign state: the agent reports it; keep polling until the timeout
          }
          if (deviceId) return resolve(deviceId);
          if (Date.now() - started > timeoutMs)
            return reject(
              new Error(`local agent ${index + 1} did not register within ${timeoutMs / 1000} s`),
            );
          setTimeout(poll, STATE_POLL_MS).unref();
        };
        poll();
      }),
    async stop() {
      stopping = true;
      await Promise.all(
        children.map(
          (child) =>
            child &&
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
              child.once('exit', () => (clearTimeout(kill), resolve()));
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
