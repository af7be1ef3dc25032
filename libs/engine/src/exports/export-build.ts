import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TailorError } from '@tailor/common';
import {
  type ExportedFile,
  type NnGraph,
  calibrateBatchNorm,
  evaluateSubnet,
  extractSubnet,
  loadSupernet,
  makeBatch,
  sha256,
  tarDirectory,
  toOnnx,
  verifyExport,
  writeOnnxModel,
  writeTfjsModel,
} from '@tailor/nn';
import type { ExportFormat } from '@tailor/persistence';
import { ensureTrainingBackend } from '@tailor/predictors';
import { type ElasticSpace, SearchSpaceRegistry } from '@tailor/search-spaces';
import { loadThreadFashionMnist } from '../threads/thread-data';
import type { ExportFileInfo, ExportResult, OnnxResult, TfjsResult } from './export-result';

/** `measuring` (on the export's device) runs in the job, after the thread's stages, when a device is named. */
export const EXPORT_STAGES = ['recalibrating', 'extracting', 'writing', 'verifying', 'measuring'] as const;
export type ExportStage = (typeof EXPORT_STAGES)[number];

/** ONNX opset of the written files: the lowest the emitter supports, for the widest runtime support. */
export const EXPORT_OPSET = 13;
/** Inside the export folder: model.onnx, the TF.js folder and its archive. */
export const TFJS_DIR = 'tfjs';
export const TFJS_ARCHIVE = 'tfjs.tar';

/** Everything one export needs; plain data, since it crosses into a worker thread by structured clone. */
export interface ExportBuildInput {
  readonly searchSpacesDir: string;
  readonly spaceId: string;
  readonly fashionMnistDir: string;
  readonly checkpointDir: string;
  readonly arch: string;
  readonly formats: readonly ExportFormat[];
  readonly dir: string;
  readonly calibrationImages: number;
  readonly seed: number;
  readonly testImages: number;
}

const info = (f: ExportedFile): ExportFileInfo => ({ name: f.name, bytes: f.size, sha256: f.sha256 });

interface Written {
  onnx?: { files: ExportFileInfo[]; bytes: Uint8Array };
  tfjs?: { files: ExportFileInfo[]; archive: ExportFileInfo; dir: string };
}

/** Writes the requested formats into `dir`; the TF.js folder is archived as one download. */
async function writeFormats(graph: NnGraph, dir: string, formats: readonly ExportFormat[]): Promise<Written> {
  const out: Written = {};
  if (formats.includes('onnx')) {
    const file = writeOnnxModel(graph, dir, { opset: EXPORT_OPSET });
    // Verified from the bytes on disk, so a bad write shows up rather than the in-memory copy passing.
    out.onnx = { files: [info(file)], bytes: readFileSync(file.path) };
  }
  if (formats.includes('tfjs')) {
    const tfjs = await writeTfjsModel(graph, join(dir, TFJS_DIR));
    const names = tfjs.files.map((f) => f.name);
    const tar = tarDirectory(tfjs.dir, names);
    const path = join(dir, TFJS_ARCHIVE);
    writeFileSync(path, tar);
    out.tfjs = {
      files: tfjs.files.map(info),
      archive: { name: TFJS_ARCHIVE, bytes: tar.length, sha256: sha256(tar) },
      dir: tfjs.dir,
    };
  }
  return out;
}

/**
 * One export, start to end: the supernet's weights, BN recalibrated for the subnet on seeded training
 * images (as OFA does before using a subnet), the subnet cut out as a graph, written in each format,
 * then every file scored on the test set next to the subnet itself. A format not asked for is still
 * written to a scratch folder when needed, so the ONNX-vs-TF.js comparison always runs.
 */
export async function buildExport(
  input: ExportBuildInput,
  onStage: (stage: ExportStage) => void,
): Promise<ExportResult> {
  const started = Date.now();
  const space = SearchSpaceRegistry.load(input.searchSpacesDir).get(input.spaceId) as ElasticSpace<unknown>;
  if (!('spec' in space)) throw new TailorError('INVALID_ARGUMENT', `${input.spaceId} is not elastic`);
  const arch = space.parse(input.arch, 'arch');
  await ensureTrainingBackend();
  const data = loadThreadFashionMnist(input.fashionMnistDir);
  const net = loadSupernet(space, input.checkpointDir);
  let scratch: string | undefined;
  try {
    onStage('recalibrating');
    const calibration = { images: Math.min(input.calibrationImages, data.train.count), seed: input.seed };
    const stats = calibrateBatchNorm(net, arch, data.train, calibration);
    onStage('extracting');
    const graph = extractSubnet(net, arch, stats);
    onStage('writing');
    const written = await writeFormats(graph, input.dir, input.formats);
    onStage('verifying');
    let tfjsDir = written.tfjs?.dir;
    if (!tfjsDir) {
      scratch = mkdtempSync(join(tmpdir(), 'tailor-export-'));
      tfjsDir = (await writeTfjsModel(graph, scratch)).dir;
    }
    const n = Math.min(input.testImages, data.test.count);
    const subnet = evaluateSubnet(net, arch, stats, data.test, { limit: n });
    const batch = makeBatch(
      data.test,
      Array.from({ length: n }, (_, i) => i),
    );
    const verified = await verifyExport({
      graph,
      onnxBytes: written.onnx?.bytes ?? toOnnx(graph, { opset: EXPORT_OPSET }),
      tfjsDir,
      inputs: batch.x,
      shape: batch.shape,
      labels: batch.labels,
    });
    const onnx: OnnxResult | undefined = written.onnx && {
      opset: EXPORT_OPSET,
      files: written.onnx.files,
      accuracy: verified.onnxAccuracy!,
    };
    const tfjs: TfjsResult | undefined = written.tfjs && {
      files: written.tfjs.files,
      archive: written.tfjs.archive,
      accuracy: verified.tfjsAccuracy!,
    };
    return {
      params: space.params(arch),
      flops: space.flops(arch),
      calibration,
      testImages: n,
      subnetAccuracy: subnet.accuracy,
      maxAbsDiff: verified.maxAbsDiff,
      ...(onnx ? { onnx } : {}),
      ...(tfjs ? { tfjs } : {}),
      latency: null,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    net.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
