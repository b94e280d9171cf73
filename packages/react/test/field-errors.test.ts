import { AvalaError } from '@avala-fetch/core';
import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { applyFieldErrors, useFieldErrors } from '../src/field-errors.js';

function recorder() {
  const calls: [string, string][] = [];
  const setError = (name: string, error: { type: string; message: string }) => {
    expect(error.type).toBe('server');
    calls.push([name, error.message]);
  };
  return { calls, setError };
}

const validation = new AvalaError({
  kind: 'bad_request',
  status: 400,
  fieldErrors: {
    name: ['This field is required.'],
    'filters.split': ['"bogus" is not a valid choice.'],
    'items.1.weight': ['Ensure this value is less than or equal to 1.', 'Must be a number.'],
  },
  nonFieldErrors: ['Public datasets need at least one item.'],
});

describe('applyFieldErrors', () => {
  it('sets every field, nested and list paths included, and returns the non-field errors', () => {
    const { calls, setError } = recorder();
    const result = applyFieldErrors(validation, setError);
    expect(calls).toEqual([
      ['name', 'This field is required.'],
      ['filters.split', '"bogus" is not a valid choice.'],
      ['items.1.weight', 'Ensure this value is less than or equal to 1. Must be a number.'],
    ]);
    expect(result).toEqual({
      applied: ['name', 'filters.split', 'items.1.weight'],
      formErrors: ['Public datasets need at least one item.'],
    });
  });

  it('renames a path and everything under it', () => {
    const { calls, setError } = recorder();
    applyFieldErrors(validation, setError, { rename: { items: 'rows', 'filters.split': 'split' } });
    expect(calls.map(([name]) => name)).toEqual(['name', 'split', 'rows.1.weight']);
  });

  it('returns server paths the form does not have instead of setting them', () => {
    const { calls, setError } = recorder();
    const result = applyFieldErrors(validation, setError, { fields: ['name', 'items'] });
    expect(calls.map(([name]) => name)).toEqual(['name', 'items.1.weight']);
    expect(result.formErrors).toEqual([
      'Public datasets need at least one item.',
      'filters.split: "bogus" is not a valid choice.',
    ]);
  });

  it('drops a path a rename function maps to undefined into the form errors', () => {
    const { calls, setError } = recorder();
    const result = applyFieldErrors(validation, setError, {
      rename: (path) => (path === 'name' ? 'title' : undefined),
    });
    expect(calls).toEqual([['title', 'This field is required.']]);
    expect(result.formErrors).toHaveLength(3);
  });

  it('maps a coded 409 to its field', () => {
    const conflict = new AvalaError({
      kind: 'conflict',
      status: 409,
      detail: 'A dataset named "cats" already exists.',
      code: 'duplicate_name',
    });
    const { calls, setError } = recorder();
    const result = applyFieldErrors(conflict, setError, {
      codeToField: { duplicate_name: 'name' },
    });
    expect(calls).toEqual([['name', 'A dataset named "cats" already exists.']]);
    expect(result).toEqual({ applied: ['name'], formErrors: [] });
  });

  it('maps any 409 to conflictField when no code matches', () => {
    const conflict = new AvalaError({ kind: 'conflict', status: 409, detail: 'Taken.' });
    const { calls, setError } = recorder();
    applyFieldErrors(conflict, setError, { conflictField: 'name' });
    expect(calls).toEqual([['name', 'Taken.']]);
  });

  it('returns the message of an error with nothing field-shaped, and sets it on root', () => {
    const forbidden = new AvalaError({ kind: 'forbidden', status: 403, detail: 'Not allowed.' });
    const { calls, setError } = recorder();
    const result = applyFieldErrors(forbidden, setError, { root: 'root.server' });
    expect(result).toEqual({ applied: [], formErrors: ['Not allowed.'] });
    expect(calls).toEqual([['root.server', 'Not allowed.']]);
  });

  it('passes a foreign error through whole and ignores null', () => {
    const { calls, setError } = recorder();
    expect(applyFieldErrors(new Error('boom'), setError).formErrors).toEqual(['boom']);
    expect(applyFieldErrors(null, setError)).toEqual({ applied: [], formErrors: [] });
    expect(calls).toEqual([]);
  });
});

describe('useFieldErrors', () => {
  it('reads field messages by dotted path', () => {
    const { result } = renderHook(() => useFieldErrors(validation));
    expect(result.current.get('filters.split')).toBe('"bogus" is not a valid choice.');
    expect(result.current.get('description')).toBeUndefined();
    expect(result.current.nonFieldErrors).toEqual(['Public datasets need at least one item.']);
  });

  it('is empty for no error or a foreign one', () => {
    const { result } = renderHook(() => useFieldErrors(new Error('x')));
    expect(result.current.fieldErrors).toEqual({});
    expect(result.current.get('name')).toBeUndefined();
  });
});
