import type { AnyAvalaError, InvalidResponseError, Page, SchemaOf } from '@avala-fetch/core';
import { useForm } from 'react-hook-form';
import { describe, expectTypeOf, it } from 'vitest';
import { applyFieldErrors, useAvalaMutation, useAvalaQuery } from '../src/index.js';

interface Dataset {
  uid: string;
  name: string;
}
interface NewDataset {
  name: string;
  filters: { split: string };
  items: { weight: number }[];
}
declare const datasetSchema: SchemaOf<Dataset>;
declare const pageSchema: SchemaOf<Page<Dataset>>;

// Type-level only: these functions are checked by tsc, never run.

describe('useAvalaMutation type arguments', () => {
  it('compiles with two named type arguments and a schema', () => {
    const use = () =>
      useAvalaMutation<Dataset, NewDataset>({
        method: 'POST',
        path: '/datasets/',
        schema: datasetSchema,
      });
    expectTypeOf<ReturnType<typeof use>['data']>().toEqualTypeOf<Dataset | undefined>();
    expectTypeOf<Parameters<ReturnType<typeof use>['mutate']>[0]>().toEqualTypeOf<NewDataset>();
  });

  it('infers the data type from the schema when no type argument is named', () => {
    const use = () =>
      useAvalaMutation({ method: 'POST', path: '/datasets/', schema: datasetSchema });
    expectTypeOf<ReturnType<typeof use>['data']>().toEqualTypeOf<Dataset | undefined>();
  });

  it('refuses a schema of another type than the named one', () => {
    useAvalaMutation<Dataset, NewDataset>({
      method: 'POST',
      path: '/datasets/',
      // @ts-expect-error a schema of Page<Dataset> is not one of Dataset
      schema: pageSchema,
    });
  });

  it('compiles useAvalaQuery with a named type and a schema of it', () => {
    const use = () => useAvalaQuery<Page<Dataset>>('/datasets/', { schema: pageSchema });
    expectTypeOf<ReturnType<typeof use>['data']>().toEqualTypeOf<Page<Dataset> | undefined>();
  });
});

describe('hook errors are the union discriminated by kind', () => {
  it('narrows a query error on kind', () => {
    const use = () => {
      const { error } = useAvalaQuery('/datasets/');
      if (error?.kind === 'invalid_response') {
        expectTypeOf(error).toEqualTypeOf<InvalidResponseError>();
      }
      return error;
    };
    expectTypeOf<ReturnType<typeof use>>().toEqualTypeOf<AnyAvalaError | null>();
  });
});

describe('applyFieldErrors paths follow the form (react-hook-form FieldPath)', () => {
  it('accepts the form paths, nested and list ones, and root.*', () => {
    const use = (error: unknown) => {
      const form = useForm<NewDataset>();
      return applyFieldErrors(error, form.setError, {
        fields: ['name', 'filters.split', 'items.0.weight'],
        codeToField: { duplicate_name: 'name' },
        conflictField: 'name',
        rename: { rows: 'items' },
        root: 'root.server',
      });
    };
    expectTypeOf(use).toBeFunction();
  });

  it('refuses a misspelt path when the form type is known', () => {
    const use = (error: unknown) => {
      const form = useForm<NewDataset>();
      // @ts-expect-error 'nmae' is not a path of NewDataset
      applyFieldErrors(error, form.setError, { fields: ['nmae'] });
      // @ts-expect-error nor is 'filters.splt'
      applyFieldErrors(error, form.setError, { codeToField: { duplicate_name: 'filters.splt' } });
      // @ts-expect-error nor is 'nam'
      applyFieldErrors(error, form.setError, { conflictField: 'nam' });
    };
    expectTypeOf(use).toBeFunction();
  });

  it('takes any path with an untyped setError', () => {
    const setError = (_name: string, _error: { type: string; message: string }) => {};
    applyFieldErrors(undefined, setError, { fields: ['anything'] });
  });
});
