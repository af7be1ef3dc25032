import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TailorError, invalid, showValue } from '@tailor/common';
import { type ExportedFile, writeExportedFile } from './export-files';

export const TFJS_MODEL_FILE = 'model.json';
/** The tfjs converter's default shard size; browsers then fetch weights in parallel, cache-friendly pieces. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** The converter's shard names, so the folder looks like any other published TF.js model. */
const shardName = (i: number, n: number): string => `group1-shard${i + 1}of${n}.bin`;

/** Copies into a fresh ArrayBuffer: a Buffer may be a view into a larger shared pool. */
const toArrayBuffer = (b: Uint8Array): ArrayBuffer => Uint8Array.from(b).buffer;

/** model.json as tfjs-node's file handler lays it out (optional fields only when present). */
function modelJsonOf(artifacts: tf.io.ModelArtifacts, paths: string[]): tf.io.ModelJSON {
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
  };
  const optional = [
    'trainingConfig',
    'signature',
    'userDefinedMetadata',
    'modelInitializer',
    'initializerSignature',
  ] as const;
  for (const key of optional) {
    if (artifacts[key] != null) Object.assign(json, { [key]: artifacts[key] });
  }
  return json;
}

/**
 * A TF.js IOHandler for a local folder: `model.json` plus weight shards. Needed because only
 * tfjs-node registers `file://`, and the native tfjs-node is not a dependency here.
 */
export class TfjsDirectoryHandler implements tf.io.IOHandler {
  private readonly written: ExportedFile[] = [];

  constructor(
    readonly dir: string,
    readonly shardBytes = DEFAULT_SHARD_BYTES,
  ) {
    if (!Number.isInteger(shardBytes) || shardBytes < 4 || shardBytes % 4 !== 0) {
      throw invalid('shardBytes', `must be a positive multiple of 4, got ${showValue(shardBytes)}`);
    }
  }

  /** Files written by the last `save`, model.json first. */
  get files(): readonly ExportedFile[] {
    return this.written;
  }

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology == null) {
      throw invalid('artifacts.modelTopology', 'only layers models (JSON topology) can be saved');
    }
    const weights = new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData ?? []));
    const n = Math.ceil(weights.byteLength / this.shardBytes);
    const shards: ExportedFile[] = [];
    for (let i = 0; i < n; i++) {
      const data = weights.subarray(i * this.shardBytes, (i + 1) * this.shardBytes);
      shards.push(writeExportedFile(this.dir, shardName(i, n), data));
    }
    // model.json last: when it exists, the shards it names are complete.
    const paths = shards.map((s) => s.name);
    const modelFile = writeExportedFile(
      this.dir,
      TFJS_MODEL_FILE,
      JSON.stringify(modelJsonOf(artifacts, paths)),
    );
    this.written.splice(0, this.written.length, modelFile, ...shards);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const path = join(this.dir, TFJS_MODEL_FILE);
    if (!existsSync(path)) throw new TailorError('NOT_FOUND', `no ${TFJS_MODEL_FILE} in ${this.dir}`, 'dir');
    const json = JSON.parse(readFileSync(path, 'utf8')) as Partial<tf.io.ModelJSON>;
    if (json.modelTopology == null || !Array.isArray(json.weightsManifest)) {
      throw invalid('dir', `${path} lacks modelTopology or weightsManifest`);
    }
    return tf.io.getModelArtifactsForJSON(json as tf.io.ModelJSON, async (manifest) => {
      const specs = manifest.flatMap((group) => group.weights);
      const buffers = manifest.flatMap((group) => group.paths.map((p) => this.readShard(p)));
      return [specs, tf.io.concatenateArrayBuffers(buffers)];
    });
  }

  /** Shard paths come from a file on disk: refuse any that would read outside the model folder. */
  private readShard(name: string): ArrayBuffer {
    const path = resolve(this.dir, name);
    const rel = relative(resolve(this.dir), path);
    if (rel === '' || rel.split(sep)[0] === '..' || isAbsolute(rel)) {
      throw invalid('weightsManifest.paths', `${showValue(name)} points outside ${this.dir}`);
    }
    if (!existsSync(path)) {
      throw new TailorError(
        'NOT_FOUND',
        `shard ${showValue(name)} missing in ${this.dir}`,
        'weightsManifest.paths',
      );
    }
    return toArrayBuffer(readFileSync(path));
  }
}
