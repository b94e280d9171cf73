// Test-only re-exports, so the tests import the public API and the internals they test in one place.

export { errorFromHttp, kindFromStatus } from '../../src/errors/classify-response.js';
export {
  createAbortedError,
  createInvalidResponseError,
  createNetworkError,
  createTimeoutError,
} from '../../src/errors/create.js';
export { createErrorOfKind, ERROR_CLASSES } from '../../src/errors/kinds.js';
export { MAX_MESSAGE_LENGTH as MAX_MESSAGE_LENGTH_FOR_TESTS } from '../../src/errors/message.js';
export * from '../../src/index.js';
export * from '../../src/retry/index.js';
export { parseRateLimit, parseRetryAfter, parseServerWait } from '../../src/utils/headers.js';
export { redactString, redactUrl, redactValue } from '../../src/utils/redact.js';
