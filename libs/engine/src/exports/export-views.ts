import type { ExportFormat, ExportRow } from '@tailor/persistence';
import { downloadFileName } from './export-request';
import type { ExportFileInfo, ExportResult } from './export-result';

/** The file a download of `format` sends: model.onnx, or the TF.js archive. */
export function downloadedFile(result: ExportResult, format: ExportFormat): ExportFileInfo | undefined {
  return format === 'onnx' ? result.onnx?.files[0] : result.tfjs?.archive;
}

/**
 * What a user sees of an export. `downloads` (once it has succeeded) names, per format, the file a
 * download sends: its suggested file name, size and SHA-256 (also its ETag).
 */
export function exportView(e: ExportRow) {
  const result = e.result as unknown as ExportResult | null;
  const downloads =
    e.status === 'succeeded' && result
      ? Object.fromEntries(
          e.formats.map((format) => {
            const file = downloadedFile(result, format);
            return [
              format,
              { fileName: downloadFileName(e.arch, e.id, format), bytes: file?.bytes, sha256: file?.sha256 },
            ];
          }),
        )
      : null;
  return {
    id: e.id,
    supernetId: e.supernetId,
    searchSpace: e.searchSpace,
    arch: e.arch,
    formats: e.formats,
    status: e.status,
    progress: e.progress,
    result: e.result,
    downloads,
    error: e.error,
    search: e.searchId ? { id: e.searchId, candidateIndex: e.candidateIndex } : null,
    device: e.deviceId,
    dir: e.dir,
    createdAt: e.createdAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
  };
}
