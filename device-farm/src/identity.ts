import * as os from 'node:os';
import type { AgentRuntimeConfig, HardwareFingerprint } from '@tailor/farm';

/** Sent at registration for provenance; bump with agent behaviour changes that affect numbers. */
export const AGENT_VERSION = '0.1.0';

/** The machine this process runs on, in the fields the server derives device ids from. */
export function hardwareFingerprint(): HardwareFingerprint {
  const cpus = os.cpus();
  return {
    cpuModel: (cpus[0]?.model ?? 'unknown cpu').trim() || 'unknown cpu',
    // availableParallelism respects cgroup/affinity limits where cpus().length may not.
    cores: cpus.length || os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    nodeVersion: process.version,
  };
}

/**
 * Fields that name a device (see farmDeviceId): a state dir whose identity differs in any of them
 * was made for another machine or runtime configuration, and reusing it would file this machine's
 * numbers under that device. Versions are provenance and may change across restarts.
 */
export function identityMismatches(
  stored: { fingerprint: HardwareFingerprint; runtime: AgentRuntimeConfig },
  current: { fingerprint: HardwareFingerprint; runtime: AgentRuntimeConfig },
): string[] {
  const out: string[] = [];
  const cmp = (what: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`${what} ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  };
  cmp('runtime', stored.runtime.name, current.runtime.name);
  cmp('threads', stored.runtime.threads, current.runtime.threads);
  cmp('batch', stored.runtime.batchSize, current.runtime.batchSize);
  cmp('cpu', stored.fingerprint.cpuModel, current.fingerprint.cpuModel);
  cmp('cores', stored.fingerprint.cores, current.fingerprint.cores);
  cmp('memoryGiB', stored.fingerprint.memoryGiB, current.fingerprint.memoryGiB);
  cmp('os', stored.fingerprint.os.split(' ')[0], current.fingerprint.os.split(' ')[0]);
  cmp('arch', stored.fingerprint.arch, current.fingerprint.arch);
  return out;
}
