/**
 * The brand every `AvalaError` carries. Registered with `Symbol.for`, so two copies of the
 * package (a duplicated dependency, a test double) still recognise each other's errors
 * where `instanceof` would say no.
 */
export const AVALA_ERROR_BRAND: unique symbol = Symbol.for('@avala-fetch/core.AvalaError');

/** Whether `value` carries the `AvalaError` brand (from any copy of the package). */
export function hasAvalaErrorBrand(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [AVALA_ERROR_BRAND]?: unknown })[AVALA_ERROR_BRAND] === true
  );
}
