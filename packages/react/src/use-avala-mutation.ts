import type { AnyAvalaError, ResponseOf, SchemaOf } from '@avala-fetch/core';
import { type UseMutationResult, useMutation } from '@tanstack/react-query';
import { useAvalaContext } from './provider.js';
import { type AvalaMutationOptions, avalaMutationOptions } from './query-options.js';
import type { AvalaSchema } from './types.js';

/**
 * Sends a write (`POST`/`PUT`/`PATCH`/`DELETE`) through TanStack's `useMutation`. The
 * variables are the JSON body unless `json` maps them; `path` may be a function of them.
 * Retries follow docs/retry-rule.md for the method: a POST/PATCH is retried on 429/503 only, unless
 * `idempotent: true`. Put its 400 errors into a form with `applyFieldErrors`.
 *
 * @example
 * const create = useAvalaMutation<Dataset, NewDataset>({ method: 'POST', path: '/datasets/' });
 * create.mutate({ name: 'cats' });
 */
export function useAvalaMutation<
  T = unknown,
  TVariables = void,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TContext = unknown,
>(
  options: AvalaMutationOptions<ResponseOf<S, T>, TVariables, TContext, S>,
): UseMutationResult<ResponseOf<S, T>, AnyAvalaError, TVariables, TContext> {
  const { client } = useAvalaContext('useAvalaMutation');
  return useMutation(avalaMutationOptions<T, TVariables, S, TContext>(client, options));
}
