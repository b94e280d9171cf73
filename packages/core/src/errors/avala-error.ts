// Placeholder so the contract types compile; replaced by the error-taxonomy issue.
export class AvalaError extends Error {}
