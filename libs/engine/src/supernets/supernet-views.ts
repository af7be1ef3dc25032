import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SupernetRow, SupernetStatus } from '@tailor/persistence';
import { hasCheckpoint, readManifest, type TrainingState, WEIGHTS_FILE } from '@tailor/nn';
import { SUPERNET_SPACES } from './supernet-request';

export const SUPERNET_FINISHED: readonly SupernetStatus[] = ['succeeded', 'failed', 'cancelled'];

/** What the checkpoint folder holds now: where training stands and the weights a specialisation loads. */
export interface SavedCheckpoint {
  readonly savedAt: string;
  readonly done: boolean;
  /** The next step to run (phase, epoch and step count from 0). */
  readonly next: { readonly phase: string; readonly epoch: number; readonly step: number } | null;
  /** Training seconds spent so far, summed over resumes. */
  readonly trainingSeconds: number;
  readonly weightsFile: string;
}

/** The folder's manifest, or null when it has none yet (or cannot be read from this process). */
export function savedCheckpoint(dir: string): SavedCheckpoint | null {
  try {
    if (!hasCheckpoint(dir)) return null;
    const { savedAt, state } = readManifest<TrainingState>(dir);
    const phase = state.config.phases[state.phaseIndex]?.phase;
    return {
      savedAt,
      done: state.done,
      next: state.done || !phase ? null : { phase, epoch: state.epoch, step: state.step },
      trainingSeconds: state.seconds,
      weightsFile: join(dir, WEIGHTS_FILE),
    };
  } catch {
    return null;
  }
}

/**
 * What a user sees of a supernet. `saved` is read from the checkpoint folder for single-supernet
 * views only (lists stay one query); it is undefined otherwise.
 */
export function supernetView(s: SupernetRow, saved?: SavedCheckpoint | null) {
  return {
    id: s.id,
    searchSpace: s.searchSpace,
    status: s.status,
    source: s.source,
    /** The TrainingConfig (phases with their epochs, batch size, seed, …). */
    config: s.config,
    progress: s.progress,
    history: s.history,
    checkpoint: { dir: s.checkpointDir, ...(saved === undefined ? {} : { saved }) },
    error: s.error,
    createdAt: s.createdAt,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
  };
}

/** Checkpoint folders shipped with Tailor (`search-spaces/supernets/<space>/`) that exist. */
export function shippedSupernetDirs(searchSpacesDir: string): Array<{ searchSpace: string; dir: string }> {
  return SUPERNET_SPACES.map((searchSpace) => ({
    searchSpace,
    dir: join(searchSpacesDir, 'supernets', searchSpace),
  })).filter((s) => existsSync(s.dir));
}
