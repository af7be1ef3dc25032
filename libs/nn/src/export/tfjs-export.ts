import * as tf from '@tensorflow/tfjs';
import type { NnGraph } from '../ir';
import { toTfjs } from '../tfjs-emitter';
import { type ExportedFile, ensureExportDir, exportDirPath } from './export-files';
import { DEFAULT_SHARD_BYTES, TfjsDirectoryHandler } from './tfjs-directory-handler';

export interface TfjsExportOptions {
  /** Largest weight shard in bytes; default 4 MiB like the tfjs converter. */
  readonly shardBytes?: number;
}

export interface TfjsExport {
  /** Absolute path of the model folder. */
  readonly dir: string;
  /** `model.json` first, then the weight shards in manifest order. */
  readonly files: readonly ExportedFile[];
}

/**
 * Writes `graph` as a TF.js Layers model (`model.json` + `group1-shard*of*.bin`) into `dir` (created if
 * missing), loadable by `tf.loadLayersModel` from any tfjs runtime. Leaves no tensors behind.
 */
export async function writeTfjsModel(
  graph: NnGraph,
  dir: string,
  opts: TfjsExportOptions = {},
): Promise<TfjsExport> {
  // The handler checks its options before the folder is created, so bad input leaves nothing behind.
  const handler = new TfjsDirectoryHandler(exportDirPath(dir), opts.shardBytes ?? DEFAULT_SHARD_BYTES);
  const abs = ensureExportDir(dir);
  const model = toTfjs(graph);
  try {
    await model.save(handler);
  } finally {
    model.dispose();
  }
  return { dir: abs, files: [...handler.files] };
}

/** Loads a model written by `writeTfjsModel` (or any model.json + shards folder); the caller disposes it. */
export async function loadTfjsModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(new TfjsDirectoryHandler(exportDirPath(dir)));
}
