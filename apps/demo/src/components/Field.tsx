import type { FieldPath, FieldValues, UseFormReturn } from 'react-hook-form';

/** What a {@link Field} hands its control: the id the label points at, and the error wiring. */
export type ControlProps = {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
};

/** A label, the control, and the server's message for that path right under it. */
export function Field<T extends FieldValues>({
  form,
  name,
  label,
  hint,
  children,
}: {
  form: UseFormReturn<T>;
  name: FieldPath<T>;
  label: string;
  hint?: string;
  children: (props: ControlProps) => React.ReactNode;
}) {
  const id = `field-${name.replaceAll('.', '-')}`;
  const message = form.getFieldState(name, form.formState).error?.message;
  const describedBy = [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': Boolean(message),
        'aria-describedby': describedBy || undefined,
      })}
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {message && (
        <p className="field-error" id={`${id}-error`} data-testid={`error-${name}`}>
          {message}
        </p>
      )}
    </div>
  );
}
