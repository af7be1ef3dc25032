import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TailorError } from '@tailor/common';

export const SUPERNET_FORMAT = 'tailor-supernet';
export const SUPERNET_FORMAT_VERSION = 1;
/** The weights a specialisation needs; the other two files exist only to resume training. */
export const WEIGHTS_FILE = 'supernet.bin';
export const MANIFEST_FILE = 'supernet.json';
export const MOMENTUM_FILE = 'momentum.bin';
export const TEACHER_FILE = 'teacher.bin';

export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset in float32 elements into each .bin file (all files share one layout). */
  readonly offset: number;
}

export interface SupernetManifest<S = unknown> {
  readonly format: typeof SUPERNET_FORMAT;
  readonly version: number;
  readonly spaceId: string;
  readonly tensors: readonly TensorEntry[];
  /** Training state (config, position, history); opaque to this module. */
  readonly state: S;
  readonly savedAt: string;
}

export function layoutOf(vars: ReadonlyMap<string, tf.Tensor>): TensorEntry[] {
  let offset = 0;
  return [...vars].map(([name, v]) => {
    const entry = { name, shape: [...v.shape], offset };
    offset += v.size;
    return entry;
  });
}

function pack(layout: readonly TensorEntry[], vars: ReadonlyMap<string, tf.Tensor>): Buffer {
  const last = layout[layout.length - 1];
  const total = last ? last.offset + last.shape.reduce((a, b) => a * b, 1) : 0;
  const out = new Float32Array(total);
  for (const e of layout) {
    const v = vars.get(e.name);
    if (v) out.set(v.dataSync() as Float32Array, e.offset);
  }
  return Buffer.from(out.buffer);
}

/** Write-then-rename, so a crash mid-save leaves the previous checkpoint whole. */
function writeAtomic(path: string, data: Buffer | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

export interface CheckpointParts<S> {
  readonly spaceId: string;
  readonly weights: ReadonlyMap<string, tf.Tensor>;
  readonly momentum?: ReadonlyMap<string, tf.Tensor>;
  readonly teacher?: ReadonlyMap<string, tf.Tensor>;
  readonly state: S;
}

/** Saves weights (and, for resuming, momentum buffers and the teacher) plus a JSON manifest. */
export function saveCheckpoint<S>(dir: string, parts: CheckpointParts<S>): void {
  mkdirSync(dir, { recursive: true });
  const layout = layoutOf(parts.weights);
  writeAtomic(join(dir, WEIGHTS_FILE), pack(layout, parts.weights));
  if (parts.momentum) writeAtomic(join(dir, MOMENTUM_FILE), pack(layout, parts.momentum));
  if (parts.teacher) writeAtomic(join(dir, TEACHER_FILE), pack(layout, parts.teacher));
  const manifest: SupernetManifest<S> = {
    format: SUPERNET_FORMAT,
    version: SUPERNET_FORMAT_VERSION,
    spaceId: parts.spaceId,
    tensors: layout,
    state: parts.state,
    savedAt: new Date().toISOString(),
  };
  // The manifest goes last: its presence means the .bin files beside it are complete.
  writeAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE));
}

export function readManifest<S>(dir: string): SupernetManifest<S> {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new TailorError('NOT_FOUND', `no supernet checkpoint at ${dir}`, 'checkpoint');
  const m = JSON.parse(readFileSync(path, 'utf8')) as SupernetManifest<S>;
  if (m.format !== SUPERNET_FORMAT || m.version !== SUPERNET_FORMAT_VERSION) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${path} is not a ${SUPERNET_FORMAT} v${SUPERNET_FORMAT_VERSION} manifest`,
      'checkpoint',
    );
  }
  return m;
}

/**
 * Assigns the tensors stored in `file` to `targets` by name. Every target must be in the file with the
 * same shape: a checkpoint of another space or layout is refused, never half-loaded.
 */
export function loadInto(
  dir: string,
  file: string,
  manifest: SupernetManifest,
  targets: ReadonlyMap<string, tf.Variable>,
): void {
  const raw = readFileSync(join(dir, file));
  const data = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const entries = new Map(manifest.tensors.map((e) => [e.name, e]));
  for (const [name, v] of targets) {
    const e = entries.get(name);
    if (!e || e.shape.join() !== v.shape.join()) {
      throw new TailorError(
        'INVALID_ARGUMENT',
        `${join(dir, file)} has no tensor ${name} of shape [${v.shape}]`,
        'checkpoint',
      );
    }
  }
  for (const [name, v] of targets) {
    const e = entries.get(name)!;
    const size = e.shape.reduce((a, b) => a * b, 1);
    tf.tidy(() => v.assign(tf.tensor(data.slice(e.offset, e.offset + size), e.shape as number[])));
  }
}
