import type { AvalaClient } from '@avala-fetch/core';
import type { Sandbox } from '@avala-fetch/sandbox';
import type { QueryClient } from '@tanstack/react-query';
import { fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { beforeEach, describe, expect, it } from 'vitest';
import { AvalaProvider, applyFieldErrors, useAvalaMutation } from '../src/index.js';
import { providerWrapper, RETRY_LIMIT, requestsTo, sandboxSuite } from './helpers.js';

interface Dataset {
  uid: string;
  name: string;
}

interface NewDataset {
  name: string;
  slug: string;
  data_type: string;
  visibility: string;
  description: string;
  filters: { split: string };
  items: { weight: number }[];
}

/** The fields Avala requires to create a dataset. */
type NewDatasetFields = Pick<NewDataset, 'name' | 'slug' | 'data_type'>;

const valid: NewDataset = {
  name: 'Street scenes',
  slug: 'street-scenes',
  data_type: 'image',
  visibility: 'private',
  description: '',
  filters: { split: 'train' },
  items: [{ weight: 0.5 }, { weight: 1 }],
};

/** A react-hook-form form that shows the server's errors inline, as an app would. */
function DatasetForm({ defaultValues }: { defaultValues: NewDataset }) {
  const form = useForm<NewDataset>({ defaultValues });
  const { errors } = form.formState;
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [created, setCreated] = useState<string>();
  const create = useAvalaMutation<Dataset, NewDataset>({ method: 'POST', path: '/datasets/' });
  const onSubmit = form.handleSubmit((values) => {
    setFormErrors([]);
    create.mutate(values, {
      onSuccess: (dataset) => setCreated(dataset.name),
      onError: (error) =>
        setFormErrors(
          applyFieldErrors(error, form.setError, { codeToField: { duplicate_name: 'name' } })
            .formErrors,
        ),
    });
  });
  const field = (id: string, message: string | undefined) =>
    message ? <p id={`${id}-error`}>{message}</p> : null;

  return (
    <form onSubmit={onSubmit}>
      <input aria-label="Name" {...form.register('name')} />
      {field('name', errors.name?.message)}
      <input aria-label="Visibility" {...form.register('visibility')} />
      <input aria-label="Description" {...form.register('description')} />
      <input aria-label="Split" {...form.register('filters.split')} />
      {field('split', errors.filters?.split?.message)}
      {[0, 1].map((index) => (
        <div key={index}>
          <input
            aria-label={`Weight ${index}`}
            type="number"
            step="any"
            {...form.register(`items.${index}.weight`, { valueAsNumber: true })}
          />
          {field(`weight-${index}`, errors.items?.[index]?.weight?.message)}
        </div>
      ))}
      {formErrors.map((message) => (
        <p key={message} id="form-error">
          {message}
        </p>
      ))}
      {created && <p>Created {created}</p>}
      <button type="submit">Create</button>
    </form>
  );
}

let sandbox: Sandbox;
let client: AvalaClient;
let queryClient: QueryClient;

const suite = sandboxSuite({ rateLimit: false });
beforeEach(() => {
  ({ sandbox, client, queryClient } = suite);
});

function renderForm(defaultValues: NewDataset) {
  render(
    <AvalaProvider client={client} queryClient={queryClient}>
      <DatasetForm defaultValues={defaultValues} />
    </AvalaProvider>,
  );
  fireEvent.click(screen.getByRole('button', { name: 'Create' }));
}

describe('a form on useAvalaMutation + applyFieldErrors', () => {
  it('shows a 400 on its fields: top-level, nested and list paths', async () => {
    renderForm({
      ...valid,
      name: '',
      filters: { split: 'bogus' },
      items: [{ weight: 0.5 }, { weight: 2 }],
    });
    expect((await screen.findByText('This field may not be blank.')).id).toBe('name-error');
    expect(screen.getByText('"bogus" is not a valid choice.').id).toBe('split-error');
    expect(screen.getByText('Ensure this value is less than or equal to 1.').id).toBe(
      'weight-1-error',
    );
    expect(document.getElementById('weight-0-error')).toBeNull();
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1); // a 400 is never retried
  });

  it('shows an object-level rule as a form error', async () => {
    renderForm({ ...valid, visibility: 'public', description: '' });
    expect((await screen.findByText('Public datasets need a description.')).id).toBe('form-error');
  });

  it('maps a 409 duplicate name to the name field', async () => {
    await client.post('/datasets/', { json: { name: 'Taken', slug: 'taken', data_type: 'image' } });
    sandbox.clearLog();
    renderForm({ ...valid, name: 'Taken' });
    expect((await screen.findByText('A dataset with this name already exists.')).id).toBe(
      'name-error',
    );
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1);
  });

  it('creates the dataset when the values are valid', async () => {
    renderForm(valid);
    expect(await screen.findByText('Created Street scenes')).toBeTruthy();
  });
});

describe.each(['wrapped', 'root'] as const)('field errors sent %s reach the form', (shape) => {
  // Avala's docs wrap field errors in `detail`, DRF sends them at the root: a form reads both.
  const shaped = sandboxSuite({ rateLimit: false, fieldErrors: shape });
  beforeEach(() => {
    ({ sandbox, client, queryClient } = shaped);
  });

  it('puts each message under its field, nested and list paths included', async () => {
    renderForm({
      ...valid,
      name: '',
      filters: { split: 'bogus' },
      items: [{ weight: 0.5 }, { weight: 2 }],
    });
    expect((await screen.findByText('This field may not be blank.')).id).toBe('name-error');
    expect(screen.getByText('"bogus" is not a valid choice.').id).toBe('split-error');
    expect(screen.getByText('Ensure this value is less than or equal to 1.').id).toBe(
      'weight-1-error',
    );
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1);
  });
});

describe('useAvalaMutation retries (docs/retry-rule.md)', () => {
  it('does not repeat a POST after a 500: it may have been applied', async () => {
    sandbox.injectFault({ type: 'status', status: 500, method: 'POST', path: '/datasets/' });
    const { result } = renderHook(
      () => useAvalaMutation<Dataset, NewDatasetFields>({ method: 'POST', path: '/datasets/' }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    result.current.mutate({ name: 'Once', slug: 'once', data_type: 'image' });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.kind).toBe('server_error');
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1);
  });

  it('repeats a POST after a 503: the server refused it before doing anything', async () => {
    sandbox.injectFault({ type: 'status', status: 503, method: 'POST', path: '/datasets/' });
    const { result } = renderHook(
      () => useAvalaMutation<Dataset, NewDatasetFields>({ method: 'POST', path: '/datasets/' }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    result.current.mutate({ name: 'Twice', slug: 'twice', data_type: 'image' });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(requestsTo(sandbox, '/datasets/').map((entry) => entry.status)).toEqual([503, 201]);
  });

  it('repeats an idempotent PATCH after 500s up to the limit', async () => {
    const { uid } = await client.post<Dataset>('/datasets/', {
      json: { name: 'Patch me', slug: 'patch-me', data_type: 'image' },
    });
    sandbox.clearLog();
    sandbox.injectFault({
      type: 'status',
      status: 500,
      method: 'PATCH',
      count: Number.POSITIVE_INFINITY,
      path: '/datasets/',
    });
    const { result } = renderHook(
      () =>
        useAvalaMutation<Dataset, { uid: string; description: string }>({
          method: 'PATCH',
          path: ({ uid }) => ['datasets', uid],
          json: ({ description }) => ({ description }),
          idempotent: true,
        }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    result.current.mutate({ uid, description: 'same every time' });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(RETRY_LIMIT + 1);
    expect(result.current.failureCount).toBe(RETRY_LIMIT + 1);
  });

  it('sends DELETE without a body and reaches the path built from the variables', async () => {
    const { uid } = await client.post<Dataset>('/datasets/', {
      json: { name: 'Delete me', slug: 'delete-me', data_type: 'image' },
    });
    const { result } = renderHook(
      () => useAvalaMutation<unknown, string>({ method: 'DELETE', path: (id) => ['datasets', id] }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    result.current.mutate(uid);
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    await expect(client.get(['datasets', uid])).rejects.toMatchObject({ kind: 'not_found' });
  });
});
