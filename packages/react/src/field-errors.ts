import { isAvalaError } from '@avala-fetch/core';
import { useMemo } from 'react';

/** The field errors of a failed call, ready for a form. */
export interface FieldErrorsView {
  /** Messages per dotted path (`name`, `filters.split`, `items.1.weight`). */
  fieldErrors: Readonly<Record<string, readonly string[]>>;
  /** Object-level messages (`non_field_errors`). */
  nonFieldErrors: readonly string[];
  /** The messages of one path joined into one line, or `undefined` when it has none. */
  get(path: string): string | undefined;
}

const EMPTY: FieldErrorsView = { fieldErrors: {}, nonFieldErrors: [], get: () => undefined };

/**
 * Reads the field errors of a hook's `error` (any value: only an `AvalaError` has them), for
 * forms that are not built on react-hook-form: `const fe = useFieldErrors(mutation.error);
 * fe.get('name')`.
 */
export function useFieldErrors(error: unknown): FieldErrorsView {
  return useMemo(() => {
    if (!isAvalaError(error)) return EMPTY;
    const { fieldErrors, nonFieldErrors } = error;
    return {
      fieldErrors,
      nonFieldErrors,
      get: (path) => {
        const messages = fieldErrors[path];
        return messages && messages.length > 0 ? messages.join(' ') : undefined;
      },
    };
  }, [error]);
}

/**
 * A `setError` like react-hook-form's: `(path, { type, message }, { shouldFocus })`. The
 * path type is inferred from the form, so RHF's typed `setError` is accepted as is.
 */
export type SetFieldError<TName extends string = string> = (
  name: TName,
  error: { type: string; message: string },
  options?: { shouldFocus: boolean },
) => void;

/**
 * Options of {@link applyFieldErrors}. `TName` is the form's field paths: given react-hook-form's
 * `setError`, they are its `FieldPath<TFieldValues>` (plus `root`/`root.*`), so a misspelt
 * path in `fields`, `codeToField`, `conflictField`, `root` or a `rename` target fails to compile.
 */
export interface ApplyFieldErrorsOptions<TName extends string = string> {
  /**
   * Server path → form path, when they differ. A record renames a path and everything under
   * it (`{ items: 'rows' }` turns `items.1.weight` into `rows.1.weight`); a function returns
   * the form path, or `undefined` to keep the message out of the form's fields.
   */
  rename?: Readonly<Record<string, TName>> | ((path: string) => TName | undefined);
  /**
   * The form's field paths (after renaming). When given, server paths that are not one of
   * them (or under one of them) are returned in `formErrors` instead of set on a field
   * nobody renders.
   */
  fields?: readonly TName[];
  /**
   * Error `code` → field, for errors that name no field, such as a 409
   * `{ detail, code: 'duplicate_name' }` → `{ duplicate_name: 'name' }`. The error's
   * `detail` (or message) becomes that field's message.
   */
  codeToField?: Readonly<Record<string, TName>>;
  /** The field any 409 without field errors belongs to (when `codeToField` has no match). */
  conflictField?: TName;
  /** Also set the form-level messages on this path, e.g. `'root.server'` (react-hook-form). */
  root?: TName;
  /** Focus the first field that got an error. Default true. */
  shouldFocus?: boolean;
}

/** What {@link applyFieldErrors} did. */
export interface AppliedFieldErrors {
  /** The form paths that got an error, in the server's order. */
  applied: string[];
  /**
   * Messages no field took, for a form-level alert: the non-field errors, then
   * `path: message` for server paths with no form field, or the error's own message when it
   * carried nothing field-shaped (a 403, a 500 after retries, …).
   */
  formErrors: string[];
}

/**
 * Puts a failed call's field errors into a form: calls `setError(path, { type: 'server',
 * message })` for every field, nested (`filters.split`) and list (`items.1.weight`) paths
 * included, and returns what had no field. Errors that are not `AvalaError`s go to
 * `formErrors` whole.
 *
 * @example
 * const create = useAvalaMutation({ method: 'POST', path: '/datasets/' });
 * const onSubmit = (values) => create.mutate(values, {
 *   onError: (error) => setFormErrors(
 *     applyFieldErrors(error, form.setError, { codeToField: { duplicate_name: 'name' } }).formErrors),
 * });
 */
export function applyFieldErrors<TName extends string>(
  error: unknown,
  setError: SetFieldError<TName>,
  // `NoInfer`: the paths come from the form's `setError`, never widened by a typo here.
  options: ApplyFieldErrorsOptions<NoInfer<TName>> = {},
): AppliedFieldErrors {
  const applied: string[] = [];
  const formErrors: string[] = [];
  const setOn = (path: string, message: string) => {
    const first = applied.length === 0;
    // The path is the form's own (after renaming), so it is one of its field names.
    setError(
      path as TName,
      { type: 'server', message },
      { shouldFocus: first && options.shouldFocus !== false },
    );
    applied.push(path);
  };

  if (isAvalaError(error)) {
    for (const [serverPath, messages] of Object.entries(error.fieldErrors)) {
      if (messages.length === 0) continue;
      const path = formPath(serverPath, options);
      const message = messages.join(' ');
      if (path === undefined) formErrors.push(`${serverPath}: ${message}`);
      else setOn(path, message);
    }
    formErrors.unshift(...error.nonFieldErrors);
    if (applied.length === 0 && formErrors.length === 0) {
      // Nothing field-shaped: a coded error may still belong to one field (a 409 on a name).
      const field =
        (error.code !== undefined ? options.codeToField?.[error.code] : undefined) ??
        (error.kind === 'conflict' ? options.conflictField : undefined);
      const message = typeof error.detail === 'string' ? error.detail : error.message;
      if (field !== undefined) setOn(field, message);
      else formErrors.push(message);
    }
  } else if (error != null) {
    formErrors.push(error instanceof Error ? error.message : String(error));
  }
  if (options.root !== undefined && formErrors.length > 0) {
    setError(options.root, { type: 'server', message: formErrors.join(' ') });
  }
  return { applied, formErrors };
}

/** The form path of a server path, or `undefined` when the form has no such field. */
function formPath(
  serverPath: string,
  options: ApplyFieldErrorsOptions<string>,
): string | undefined {
  const { rename, fields } = options;
  let path: string | undefined = serverPath;
  if (typeof rename === 'function') path = rename(serverPath);
  else if (rename) path = renameByPrefix(serverPath, rename);
  if (path === undefined || fields === undefined) return path;
  return fields.some((field) => isUnder(path, field)) ? path : undefined;
}

/** Renames the longest matching prefix that ends on a segment boundary. */
function renameByPrefix(path: string, rename: Readonly<Record<string, string>>): string {
  let best: string | undefined;
  for (const from of Object.keys(rename)) {
    if (isUnder(path, from) && (best === undefined || from.length > best.length)) best = from;
  }
  if (best === undefined) return path;
  return `${rename[best]}${path.slice(best.length)}`;
}

/** Whether `path` is `prefix` or a path under it (`items.1` is under `items`, `itemsX` is not). */
function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}
