// Test-only re-exports, so the tests import the public API in one place.

export { MAX_MESSAGE_LENGTH as MAX_MESSAGE_LENGTH_FOR_TESTS } from '../../src/errors/message.js';
export * from '../../src/index.js';
