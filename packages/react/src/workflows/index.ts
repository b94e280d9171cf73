/**
 * `@avala-fetch/react/workflows` — the two workflow hooks (docs/avala-api.md): an upload of
 * files into a new dataset, and an export job for its life. A subpath of its own, as the core's
 * `@avala-fetch/core/upload`, so that an app which never uploads or exports does not carry them.
 */

export {
  type AvalaExportJob,
  type AvalaExportPhase,
  type AvalaExportRequest,
  type UseAvalaExportOptions,
  type UseAvalaExportResult,
  useAvalaExport,
} from './use-avala-export.js';
export {
  type AvalaUploadFileState,
  type AvalaUploadFileStatus,
  type AvalaUploadPhase,
  type AvalaUploadRequest,
  type UseAvalaUploadOptions,
  type UseAvalaUploadResult,
  useAvalaUpload,
} from './use-avala-upload.js';
