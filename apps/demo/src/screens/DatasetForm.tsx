import { applyFieldErrors } from '@avala-fetch/react';
import { useEffect, useRef, useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { type NewDataset, useCreateDataset } from '../api.js';
import { Field } from '../components/Field.js';
import { datasetHref } from '../router.js';
import { DATA_TYPES, slugOf } from '../schemas.js';

const empty: NewDataset = {
  name: '',
  slug: '',
  data_type: 'image',
  visibility: 'private',
  description: '',
  filters: { split: 'train' },
  items: [{ weight: 0.5 }, { weight: 0.5 }],
};

/** Values the sandbox rejects on three fields at once: field errors under each field. */
const invalidFields: NewDataset = {
  name: '',
  slug: '',
  data_type: 'image',
  visibility: 'private',
  description: 'No name, an unknown split and a weight above 1.',
  filters: { split: 'holdout' },
  items: [{ weight: 0.4 }, { weight: 1.5 }],
};

/** Valid fields that break an object-level rule: a non-field error above the form. */
const invalidObject: NewDataset = {
  name: 'Public without a description',
  slug: 'public-without-a-description',
  data_type: 'image',
  visibility: 'public',
  description: '',
  filters: { split: 'val' },
  items: [{ weight: 1 }],
};

/**
 * The "New dataset" form. It validates nothing itself: the server's 400 field errors go
 * under each field (nested and list paths too), object-level ones above the form, and a 409
 * duplicate name under the name — all through `applyFieldErrors`. The slug follows the name
 * until the person edits it, as Avala's own form does.
 */
export function DatasetForm() {
  const form = useForm<NewDataset>({ defaultValues: empty });
  const { register, control, handleSubmit, formState, reset } = form;
  const items = useFieldArray({ control, name: 'items' });
  const create = useCreateDataset();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [created, setCreated] = useState<{ uid: string; name: string }>();
  const name = form.watch('name');
  // After every outcome focus goes to what says it: a field with an error (applyFieldErrors),
  // else the form's alert (non-field errors, a 403) or the "Created" status.
  const outcomeRef = useRef<HTMLDivElement>(null);
  const [focusOutcome, setFocusOutcome] = useState(0);
  useEffect(() => {
    if (focusOutcome > 0) outcomeRef.current?.focus();
  }, [focusOutcome]);
  useEffect(() => {
    if (!form.getFieldState('slug').isDirty) form.setValue('slug', slugOf(name));
  }, [form, name]);

  const fill = (values: NewDataset) => {
    setFormErrors([]);
    setCreated(undefined);
    reset(values);
  };

  const onSubmit = handleSubmit((values) => {
    setFormErrors([]);
    setCreated(undefined);
    create.mutate(values, {
      onSuccess: (dataset) => {
        setCreated({ uid: dataset.uid, name: dataset.name });
        reset(empty);
        setFocusOutcome((n) => n + 1);
      },
      onError: (error) => {
        const result = applyFieldErrors(error, form.setError, { conflictField: 'name' });
        setFormErrors(result.formErrors);
        if (result.applied.length === 0) setFocusOutcome((n) => n + 1);
      },
    });
  });

  return (
    <section className="card" aria-labelledby="new-dataset-title">
      <h3 id="new-dataset-title">New dataset</h3>
      <form onSubmit={onSubmit} noValidate data-testid="dataset-form">
        <p className="form-helpers">
          Try:
          <button type="button" className="link" onClick={() => fill(invalidFields)}>
            Fill with invalid values
          </button>
          <button type="button" className="link" onClick={() => fill(invalidObject)}>
            Public without a description
          </button>
        </p>
        <div ref={outcomeRef} tabIndex={-1} data-testid="dataset-form-outcome">
          {formErrors.length > 0 && (
            <div className="alert alert--error" role="alert" data-testid="form-errors">
              {formErrors.length === 1 ? (
                <p>{formErrors[0]}</p>
              ) : (
                <ul>
                  {formErrors.map((message) => (
                    <li key={message}>{message}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
          {created && (
            <div className="alert alert--ok" role="status">
              <p>
                Created <a href={datasetHref(created.uid)}>{created.name}</a>.
              </p>
            </div>
          )}
        </div>

        <Field form={form} name="name" label="Name">
          {(props) => <input {...props} {...register('name')} autoComplete="off" />}
        </Field>

        <Field form={form} name="slug" label="Slug" hint="Part of the dataset's address.">
          {(props) => <input {...props} {...register('slug')} autoComplete="off" />}
        </Field>

        <Field form={form} name="data_type" label="Data type">
          {(props) => (
            <select {...props} {...register('data_type')}>
              {DATA_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          )}
        </Field>

        <Field form={form} name="visibility" label="Visibility">
          {(props) => (
            <select {...props} {...register('visibility')}>
              <option value="private">Private</option>
              <option value="public">Public</option>
            </select>
          )}
        </Field>

        <Field form={form} name="description" label="Description">
          {(props) => <textarea {...props} {...register('description')} />}
        </Field>

        <Field
          form={form}
          name="filters.split"
          label="Split (filters.split)"
          hint="train, val or test; the server validates it."
        >
          {(props) => (
            <>
              <input {...props} {...register('filters.split')} list="splits" autoComplete="off" />
              <datalist id="splits">
                <option value="train" />
                <option value="val" />
                <option value="test" />
              </datalist>
            </>
          )}
        </Field>

        <fieldset>
          <legend>Items and weights (0 to 1)</legend>
          {items.fields.map((item, index) => (
            <div className="items-row" key={item.id}>
              <Field form={form} name={`items.${index}.weight`} label={`Item ${index + 1} weight`}>
                {(props) => (
                  <input
                    {...props}
                    type="number"
                    step="0.1"
                    {...register(`items.${index}.weight`, { valueAsNumber: true })}
                  />
                )}
              </Field>
              <button
                type="button"
                className="link"
                onClick={() => items.remove(index)}
                aria-label={`Remove item ${index + 1}`}
              >
                Remove
              </button>
            </div>
          ))}
          <p>
            <button type="button" className="link" onClick={() => items.append({ weight: 0.5 })}>
              Add an item
            </button>
          </p>
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create dataset'}
          </button>
          {formState.isDirty && (
            <button type="button" className="link" onClick={() => reset(empty)}>
              Clear
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
