import type { AvalaClient } from '@avala-fetch/core';

/**
 * Any Standard Schema the core accepts as `schema` (zod 4 is one). Taken from the client's
 * own signature so this package names no schema library.
 */
export type AvalaSchema = NonNullable<NonNullable<Parameters<AvalaClient['get']>[1]>['schema']>;

/** The per-call request options every hook passes through to the client. */
export interface AvalaCallOptions<S extends AvalaSchema | undefined = undefined> {
  /** A Standard Schema (zod 4) the body is parsed with; the hook's data type follows it. */
  schema?: S;
  /** Extra headers of this call. */
  headers?: Record<string, string>;
  /** Per-attempt timeout of this call. */
  timeoutMs?: number;
}
