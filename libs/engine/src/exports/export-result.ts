/** One exported file as the API lists it. */
export interface ExportFileInfo {
  /** Name in the export folder (for TF.js: in its folder, and inside the archive). */
  readonly name: string;
  readonly bytes: number;
  /** Lower-case hex SHA-256; the download's ETag. */
  readonly sha256: string;
}

export interface OnnxResult {
  readonly opset: number;
  readonly files: readonly ExportFileInfo[];
  /** Top-1 accuracy of the written model.onnx on the test images (onnxruntime). */
  readonly accuracy: number;
}

export interface TfjsResult {
  /** model.json first, then the weight shards. */
  readonly files: readonly ExportFileInfo[];
  /** The ustar archive of those files, which is what a download sends. */
  readonly archive: ExportFileInfo;
  /** Top-1 accuracy of the model reloaded from those files. */
  readonly accuracy: number;
}

/** The exported subnet timed on a farm device by one of its agents (the device farm's protocol). */
export interface ExportLatency {
  readonly device: string;
  /** Median latency in ms; null when no agent measured it (see `error`). */
  readonly ms: number | null;
  /** The latency budget of the search the subnet came from, when there was one. */
  readonly budgetMs: number | null;
  readonly withinBudget: boolean | null;
  readonly error?: string;
}

/** What an export job measured; stored as the row's `result`. */
export interface ExportResult {
  /** Millions of parameters and of multiply-accumulates (the space's analytic counts). */
  readonly params: number;
  readonly flops: number;
  readonly calibration: { readonly images: number; readonly seed: number };
  /** Fashion-MNIST test images every accuracy below is measured on (the first N of the set). */
  readonly testImages: number;
  /** The recalibrated subnet run inside the supernet (tfjs): the reference the files must match. */
  readonly subnetAccuracy: number;
  /** max |onnx − tfjs| over every logit of every test image. */
  readonly maxAbsDiff: number;
  readonly onnx?: OnnxResult;
  readonly tfjs?: TfjsResult;
  /** Measured on the export's farm device after verification; null when the export names no device. */
  readonly latency: ExportLatency | null;
  readonly seconds: number;
}

/** 0.1 accuracy points: at 10,000 test images, ten images predicted differently. */
export const ACCURACY_TOLERANCE = 0.001;
/** Largest logit difference between the two files that still counts as the same model. */
export const OUTPUT_TOLERANCE = 1e-4;

/** A fraction as a percentage with two decimals, as export messages print accuracies. */
export const pct = (a: number): string => `${(100 * a).toFixed(2)} %`;

/**
 * Why the files do not faithfully reproduce the subnet, or null when they do. The tolerances are
 * compared with a hair of slack so that exactly 0.1 points (10 of 10,000 images) still passes.
 */
export function verificationProblem(r: ExportResult): string | null {
  const problems: string[] = [];
  const files: Array<[string, number | undefined]> = [
    ['ONNX', r.onnx?.accuracy],
    ['TF.js', r.tfjs?.accuracy],
  ];
  for (const [name, accuracy] of files) {
    if (accuracy === undefined) continue;
    const gap = Math.abs(accuracy - r.subnetAccuracy);
    if (gap > ACCURACY_TOLERANCE + 1e-9)
      problems.push(
        `${name} accuracy ${pct(accuracy)} differs from the subnet's ${pct(r.subnetAccuracy)} by ` +
          `${(100 * gap).toFixed(2)} points (at most ${100 * ACCURACY_TOLERANCE} allowed)`,
      );
  }
  if (!(r.maxAbsDiff <= OUTPUT_TOLERANCE))
    problems.push(
      `ONNX and TF.js outputs differ by up to ${r.maxAbsDiff} (at most ${OUTPUT_TOLERANCE} allowed)`,
    );
  return problems.length ? `verification failed: ${problems.join('; ')}` : null;
}
