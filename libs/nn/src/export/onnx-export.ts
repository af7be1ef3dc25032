import type { NnGraph } from '../ir';
import { type OnnxOptions, toOnnx } from '../onnx-emitter';
import { type ExportedFile, ensureExportDir, writeExportedFile } from './export-files';

export const ONNX_MODEL_FILE = 'model.onnx';

export interface OnnxExport extends ExportedFile {
  /** The model as written, so a caller can verify it without reading the file back. */
  readonly bytes: Uint8Array;
}

/** Writes `graph` as `dir/model.onnx` (created if missing) and returns the file with its bytes and hash. */
export function writeOnnxModel(graph: NnGraph, dir: string, opts: OnnxOptions = {}): OnnxExport {
  const abs = ensureExportDir(dir);
  const bytes = toOnnx(graph, opts);
  return { ...writeExportedFile(abs, ONNX_MODEL_FILE, bytes), bytes };
}
