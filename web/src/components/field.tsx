import { Search } from 'lucide-react';
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from 'react';
import { Button, errorMessage } from './ui.tsx';

const control =
  'block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-accent-600 disabled:bg-slate-50 disabled:text-slate-500';

/** A labelled input with an optional hint and error, for the app's plain forms. */
export function TextField({
  label,
  hint,
  error,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; error?: string | undefined }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        className={`mt-1.5 ${control} ${error ? 'ring-red-400' : ''}`}
        aria-invalid={error ? true : undefined}
        {...input}
      />
      {error ? (
        <p className="mt-1 text-xs text-red-600">{error}</p>
      ) : (
        hint && <p className="mt-1 text-xs text-slate-500">{hint}</p>
      )}
    </div>
  );
}

/** A search box with its magnifier, labelled for screen readers by `label`; `className` sizes it. */
export function SearchField({
  label,
  className,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & { label: string }) {
  return (
    <div className={`relative w-full ${className ?? ''}`}>
      <Search className="pointer-events-none absolute top-2.5 left-3 size-4 text-slate-400" aria-hidden />
      <input type="search" aria-label={label} className={`${control} pl-9 focus:outline-none`} {...input} />
    </div>
  );
}

export function SelectField({
  label,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; children: ReactNode }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select id={id} className={`mt-1.5 ${control}`} {...select}>
        {children}
      </select>
    </div>
  );
}

/** The field a validation error names, from the API's `details: [{ field, message }]`. */
export function fieldErrors(details: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!Array.isArray(details)) return errors;
  for (const detail of details as Array<{ field?: unknown; message?: unknown }>) {
    if (typeof detail.field === 'string' && typeof detail.message === 'string') {
      errors[detail.field] ??= detail.message;
    }
  }
  return errors;
}

/**
 * The end of a form in a dialog: the server's refusal when no field carries it, then Cancel and
 * the submit button.
 */
export function FormFooter({
  error,
  fieldsShowIt = false,
  onCancel,
  busy,
  submitLabel,
}: {
  error: unknown;
  /** The error is already shown next to a field. */
  fieldsShowIt?: boolean;
  onCancel: () => void;
  busy: boolean;
  submitLabel: string;
}) {
  return (
    <>
      {error && !fieldsShowIt ? (
        <p role="alert" className="text-sm text-red-600">
          {errorMessage(error)}
        </p>
      ) : null}
      <div className="flex justify-end gap-2 pt-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </>
  );
}
