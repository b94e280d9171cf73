/**
 * Django REST Framework-style validation: every field is checked, errors are collected
 * per field as lists of messages (nested objects nest, lists align by index), and the
 * messages are DRF's own, so clients meet the shapes the real API sends (docs/avala-api.md).
 */

/** DRF's error tree: messages for a field, errors of a nested object, or one entry per list item. */
export type ErrorTree = string[] | FieldErrors | ErrorTree[];

/** Errors keyed by field name; `non_field_errors` holds object-level rules. */
export interface FieldErrors {
  [field: string]: ErrorTree;
}

/** The outcome of checking one value. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: ErrorTree };

/** One field of a serializer: whether it must be present and how its value is checked. */
export interface Field<T> {
  readonly required: boolean;
  parse(value: unknown): Result<T>;
}

/** A serializer's fields by name. */
export type Shape = Record<string, Field<unknown>>;

/** The validated data of a shape; fields the caller left out stay absent. */
export type Output<S extends Shape> = { [K in keyof S]?: S[K] extends Field<infer T> ? T : never };

/** DRF's messages, so field errors read exactly like the real API's. */
export const messages = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  nullCharacters: 'Null characters are not allowed.',
  boolean: 'Must be a valid boolean.',
  slug: 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
  string: 'A valid string is required.',
  number: 'A valid number is required.',
  integer: 'A valid integer is required.',
  maxLength: (max: number) => `Ensure this field has no more than ${max} characters.`,
  maxValue: (max: number) => `Ensure this value is less than or equal to ${max}.`,
  minValue: (min: number) => `Ensure this value is greater than or equal to ${min}.`,
  choice: (input: unknown) => `"${describeInput(input)}" is not a valid choice.`,
  dict: (input: unknown) => `Invalid data. Expected a dictionary, but got ${pythonType(input)}.`,
  list: (input: unknown) => `Expected a list of items but got type "${pythonType(input)}".`,
};

interface FieldOptions {
  /** The field must be present (except in a partial update). Default false. */
  required?: boolean;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (...errors: string[]): Result<never> => ({ ok: false, errors });

/**
 * A string field (DRF `CharField`): no blank unless allowed, optional max length. Like every
 * DRF `CharField` it refuses U+0000, which its database cannot store (docs/avala-api.md).
 */
export function string(
  options: FieldOptions & { maxLength?: number; allowBlank?: boolean } = {},
): Field<string> {
  return {
    required: options.required ?? false,
    parse(value) {
      if (value === null) return fail(messages.null);
      if (typeof value !== 'string') return fail(messages.string);
      if (value.includes('\u0000')) return fail(messages.nullCharacters);
      const trimmed = value.trim();
      if (trimmed === '' && !options.allowBlank) return fail(messages.blank);
      if (options.maxLength !== undefined && trimmed.length > options.maxLength) {
        return fail(messages.maxLength(options.maxLength));
      }
      return ok(trimmed);
    },
  };
}

/** A slug field (DRF `SlugField`): a string of letters, digits, `_` and `-`. */
export function slug(options: FieldOptions & { maxLength?: number } = {}): Field<string> {
  const text = string(options);
  return {
    required: text.required,
    parse(value) {
      const result = text.parse(value);
      if (result.ok && !/^[-a-zA-Z0-9_]+$/.test(result.value)) return fail(messages.slug);
      return result;
    },
  };
}

/** A boolean field (DRF `BooleanField`), which also takes the strings and numbers HTML forms send. */
export function boolean(options: FieldOptions = {}): Field<boolean> {
  const truthy = new Set<unknown>([true, 1, 'true', 'True', '1', 'yes', 'on']);
  const falsy = new Set<unknown>([false, 0, 'false', 'False', '0', 'no', 'off']);
  return {
    required: options.required ?? false,
    parse(value) {
      if (value === null) return fail(messages.null);
      if (truthy.has(value)) return ok(true);
      if (falsy.has(value)) return ok(false);
      return fail(messages.boolean);
    },
  };
}

/** A number field (DRF `FloatField`): numeric strings are accepted as DRF does, bounds optional. */
export function number(options: FieldOptions & { min?: number; max?: number } = {}): Field<number> {
  return {
    required: options.required ?? false,
    parse(value) {
      if (value === null) return fail(messages.null);
      const parsed = toNumber(value);
      if (parsed === undefined) return fail(messages.number);
      return checkBounds(parsed, options);
    },
  };
}

/** An integer field (DRF `IntegerField`). */
export function integer(
  options: FieldOptions & { min?: number; max?: number } = {},
): Field<number> {
  return {
    required: options.required ?? false,
    parse(value) {
      if (value === null) return fail(messages.null);
      const parsed = toNumber(value);
      if (parsed === undefined || !Number.isInteger(parsed)) return fail(messages.integer);
      return checkBounds(parsed, options);
    },
  };
}

/** A choice field (DRF `ChoiceField`). */
export function choice<const T extends string>(
  choices: readonly T[],
  options: FieldOptions = {},
): Field<T> {
  return {
    required: options.required ?? false,
    parse(value) {
      if (value === null) return fail(messages.null);
      const found = choices.find((choice) => choice === value);
      return found === undefined ? fail(messages.choice(value)) : ok(found);
    },
  };
}

/** A nested object (DRF nested serializer): its errors nest under the field's name. */
export function object<S extends Shape>(shape: S, options: FieldOptions = {}): Field<Output<S>> {
  return {
    required: options.required ?? false,
    parse(value) {
      if (value === null) return fail(messages.null);
      const result = validate(shape, value);
      return result.ok ? result : { ok: false, errors: result.errors };
    },
  };
}

/**
 * A list of items (DRF `ListField`/many serializer). Item errors come back aligned by
 * index, with `{}` (or `[]`) for the items that passed, as DRF sends them.
 */
export function list<T>(item: Field<T>, options: FieldOptions = {}): Field<T[]> {
  return {
    required: options.required ?? false,
    parse(value) {
      if (value === null) return fail(messages.null);
      if (!Array.isArray(value)) return fail(messages.list(value));
      const values: T[] = [];
      const errors: ErrorTree[] = [];
      let failed = false;
      for (const entry of value) {
        const result = item.parse(entry);
        if (result.ok) {
          values.push(result.value);
          errors.push(Array.isArray(result.value) ? [] : {});
        } else {
          failed = true;
          errors.push(result.errors);
        }
      }
      return failed ? { ok: false, errors } : ok(values);
    },
  };
}

/**
 * Checks `data` against a shape. `partial` (PATCH) skips the required check, as DRF's
 * `partial=True` does. Unknown fields are ignored, also like DRF.
 */
export function validate<S extends Shape>(
  shape: S,
  data: unknown,
  { partial = false }: { partial?: boolean } = {},
): { ok: true; value: Output<S> } | { ok: false; errors: FieldErrors } {
  if (!isPlainObject(data))
    return { ok: false, errors: { non_field_errors: [messages.dict(data)] } };
  const value: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const [name, field] of Object.entries(shape)) {
    if (!(name in data) || data[name] === undefined) {
      if (field.required && !partial) errors[name] = [messages.required];
      continue;
    }
    const result = field.parse(data[name]);
    if (result.ok) value[name] = result.value;
    else errors[name] = result.errors;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: value as Output<S> };
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkBounds(value: number, bounds: { min?: number; max?: number }): Result<number> {
  if (bounds.max !== undefined && value > bounds.max) return fail(messages.maxValue(bounds.max));
  if (bounds.min !== undefined && value < bounds.min) return fail(messages.minValue(bounds.min));
  return ok(value);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** The Python type name DRF would print for a JSON value. */
function pythonType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return 'dict';
  }
}

function describeInput(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}
