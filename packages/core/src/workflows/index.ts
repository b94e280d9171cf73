/**
 * `@avala-fetch/core/upload` — Avala's manual-upload flow as one call (docs/avala-api.md): a
 * presigned form per file, the file to storage, then the dataset created from them. A subpath
 * of its own so that an app which never uploads does not carry it (nor its XMLHttpRequest
 * transport for progress in a browser).
 */

export {
  type UploadDatasetFile,
  type UploadDatasetOptions,
  type UploadFileOptions,
  type UploadProgress,
  uploadDataset,
  uploadFile,
} from './upload.js';
