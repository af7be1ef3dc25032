/**
 * The device-farm wire protocol, shared by the server (`libs/engine`, `apps/api`) and the agent
 * (`device-farm/`). All routes live under `/api/v1`. Agent routes take `Authorization: Bearer <secret>`
 * with the secret from registration; that secret reaches nothing else, and a user key reaches none of them.
 */
import type { RuntimeName } from '@tailor/measurement';

export const AGENT_ROUTES = {
  register: 'agent/register',
  heartbeat: 'agent/heartbeat',
  lease: 'agent/lease',
  extend: 'agent/leases/extend',
  result: (taskId: string) => `agent/tasks/${taskId}/result`,
  failure: (taskId: string) => `agent/tasks/${taskId}/failure`,
} as const;

/** The machine an agent runs on. Together with its runtime configuration it names a device. */
export interface HardwareFingerprint {
  /** `os.cpus()[0].model`, trimmed. */
  readonly cpuModel: string;
  readonly cores: number;
  /** Total memory in GiB, rounded to one decimal so tiny differences do not split a device. */
  readonly memoryGiB: number;
  /** `${os.platform()} ${os.release()}`. */
  readonly os: string;
  /** `os.arch()`, e.g. x64, arm64. */
  readonly arch: string;
  /** `process.version`; provenance only, not part of the device identity. */
  readonly nodeVersion: string;
}

/** How the agent runs models. `replay` answers from a recorded latency table. */
export type AgentRuntimeName = RuntimeName | 'replay';

export interface AgentRuntimeConfig {
  readonly name: AgentRuntimeName;
  /** Runtime package version (provenance only). */
  readonly version: string;
  /** Threads actually in use (after load). */
  readonly threads: number;
  readonly batchSize: number;
}

/** Present only for replay agents: which recorded device they stand in for. */
export interface ReplaySource {
  /** Device name inside the file, e.g. `pixel3`. */
  readonly device: string;
  /** Tailor's id of the file's search space (e.g. `ofa-mbv3` for HELP's `ofa` file); tasks are routed by it. */
  readonly searchSpace: string;
  /** Base name of the file, for provenance. */
  readonly file: string;
  readonly archCount: number;
  /** Free-text hardware description from the file's deviceInfo, when present. */
  readonly hardware?: string;
}

export interface RegisterRequest {
  readonly enrollmentToken: string;
  /** Human name; defaults to the host name. 1–64 chars. */
  readonly name: string;
  readonly agentVersion: string;
  readonly fingerprint: HardwareFingerprint;
  readonly runtime: AgentRuntimeConfig;
  readonly replay?: ReplaySource;
}

export interface RegisterResponse {
  readonly agentId: string;
  /** Bearer secret for every agent route; shown once, store it in the state dir. */
  readonly secret: string;
  /** The device this agent serves (same fingerprint + runtime config → same device). */
  readonly deviceId: string;
  readonly heartbeatIntervalSec: number;
  readonly leaseTtlSec: number;
}

export interface HeartbeatRequest {
  readonly state: 'idle' | 'measuring';
  /** Tasks the agent holds right now. */
  readonly taskIds?: readonly string[];
}

export interface HeartbeatResponse {
  readonly agentId: string;
  readonly deviceId: string;
  readonly heartbeatIntervalSec: number;
  readonly serverTime: string;
}

export interface LeaseRequest {
  /** At most this many tasks (1–16, default 1). */
  readonly max?: number;
  /** Long-poll: wait up to this many seconds for work (0–30, default 25). */
  readonly waitSec?: number;
}

/** How to measure; every field has a default on the server (see DEFAULT_TASK_PARAMS). */
export interface TaskParams {
  readonly warmupRuns: number;
  readonly repeats: number;
  readonly minRepeatMs: number;
  readonly maxCv: number;
  /** Seed of the fixed model input. */
  readonly inputSeed: number;
  /** Seed of the network's weights (latency does not depend on it, but runs are reproducible). */
  readonly weightSeed: number;
}

export const DEFAULT_TASK_PARAMS: TaskParams = {
  warmupRuns: 10,
  repeats: 5,
  minRepeatMs: 100,
  maxCv: 0.1,
  inputSeed: 1,
  weightSeed: 1,
};

export interface LeasedTask {
  readonly id: string;
  readonly searchSpace: string;
  /** Canonical arch string of the space. */
  readonly arch: string;
  readonly params: TaskParams;
  /** 1 for the first lease of this task, 2 after one expiry or failure, … */
  readonly attempt: number;
  readonly leaseExpiresAt: string;
}

export interface LeaseResponse {
  readonly tasks: readonly LeasedTask[];
  readonly leaseTtlSec: number;
}

export interface ExtendRequest {
  readonly taskIds: readonly string[];
}

export interface ExtendResponse {
  /** The subset still held by this agent, now extended; the others were lost (expired, revoked). */
  readonly extended: readonly string[];
  readonly leaseExpiresAt: string;
}

export interface ResultAttempt {
  readonly samples: readonly number[];
  readonly runsPerRepeat: readonly number[];
}

/**
 * A measurement. The server recomputes every statistic from `samples` (it does not trust the agent's
 * arithmetic), so the agent sends raw numbers only.
 */
export interface ResultRequest {
  /** Per-run latency in ms of each timed repeat (the attempt that counts). Non-empty, finite, > 0. */
  readonly samples: readonly number[];
  readonly runsPerRepeat?: readonly number[];
  /** Every attempt in order (two when the first was above maxCv). */
  readonly attempts?: readonly ResultAttempt[];
  /** null for replayed results. */
  readonly buildMs: number | null;
  readonly firstRunMs: number | null;
  readonly remeasured: boolean;
  readonly noisy: boolean;
  readonly replayed: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface FailureRequest {
  /** Why, in words a user can act on (shown in batch status). */
  readonly reason: string;
  /** false: retrying cannot help (e.g. arch not in the replay table) → the task fails now. */
  readonly retryable: boolean;
  /** true: the agent gives the task back unmeasured (shutdown); it does not count as an attempt. */
  readonly released?: boolean;
}
