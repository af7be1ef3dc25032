import { createHash } from 'node:crypto';
import type { AgentRuntimeConfig, HardwareFingerprint, ReplaySource } from './protocol';

const slug = (s: string, max: number): string =>
  s
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '') || 'x';

/**
 * The device an agent serves. A device is a hardware fingerprint plus a runtime configuration, so
 * agents on identical machines with the same runtime, threads and batch size share one device (and
 * their measurements pool); software versions are provenance, kept per measurement, not identity.
 * The id is readable (`onnxruntime-t2-b1-amd-epyc-7b13-3f9a1c`) and stable across restarts.
 */
export function farmDeviceId(
  fingerprint: HardwareFingerprint,
  runtime: AgentRuntimeConfig,
  replay?: ReplaySource,
): string {
  if (replay || runtime.name === 'replay') return `replay-${slug(replay?.device ?? 'device', 56)}`;
  const identity = [
    fingerprint.cpuModel.trim(),
    fingerprint.cores,
    fingerprint.memoryGiB,
    fingerprint.os.split(' ')[0],
    fingerprint.arch,
    runtime.name,
    runtime.threads,
    runtime.batchSize,
  ].join('|');
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 6);
  return `${runtime.name}-t${runtime.threads}-b${runtime.batchSize}-${slug(fingerprint.cpuModel, 24)}-${hash}`;
}
