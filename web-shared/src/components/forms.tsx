import { useId, type ReactNode, type InputHTMLAttributes, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldProps {
  label: ReactNode;
  /** Shown under the control; linked with aria-describedby. */
  hint?: ReactNode;
  /** A message from validation; marks the control aria-invalid. */
  error?: string;
  /** Prefix/suffix shown inside the control's box (e.g. a currency code or %). */
  adornment?: ReactNode;
  className?: string;
  children: (control: { id: string; 'aria-invalid': boolean | undefined; 'aria-describedby': string | undefined }) => ReactNode;
}

/**
 * The inline error and the hint under a control, with the ids (`<id>-error`, `<id>-hint`) that
 * the control names in `aria-describedby`.
 */
export function FieldMessages({ id, error, hint }: { id: string; error?: string; hint?: ReactNode }) {
  return (
    <>
      {error ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </>
  );
}

/** A label, a control, a hint and an inline error, wired together for screen readers and tests. */
export function Field({ label, hint, error, adornment, className, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className={adornment ? 'field__control field__control--adorned' : 'field__control'}>
        {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
        {adornment ? <span className="field__adornment">{adornment}</span> : null}
      </div>
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

type Common = { label: ReactNode; hint?: ReactNode; error?: string; className?: string; 'data-testid'?: string };

export function TextField({
  label,
  hint,
  error,
  className,
  adornment,
  onValueChange,
  ...input
}: Common & { adornment?: ReactNode; onValueChange?: (value: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>) {
  return (
    <Field label={label} hint={hint} error={error} className={className} adornment={adornment}>
      {(control) => (
        <input
          className="input"
          type="text"
          {...input}
          {...control}
          onChange={(e) => {
            input.onChange?.(e);
            onValueChange?.(e.target.value);
          }}
        />
      )}
    </Field>
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  className,
  onValueChange,
  ...area
}: Common & { onValueChange?: (value: string) => void } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'>) {
  return (
    <Field label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <textarea
          className="input"
          rows={3}
          {...area}
          {...control}
          onChange={(e) => {
            area.onChange?.(e);
            onValueChange?.(e.target.value);
          }}
        />
      )}
    </Field>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({
  label,
  hint,
  error,
  className,
  options,
  onValueChange,
  ...select
}: Common & { options: readonly Option[]; onValueChange?: (value: string) => void } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'>) {
  return (
    <Field label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <select
          className="input"
          {...select}
          {...control}
          onChange={(e) => {
            select.onChange?.(e);
            onValueChange?.(e.target.value);
          }}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A checkbox with its label beside it (and optional hint/error under it). */
export function CheckboxField({
  label,
  hint,
  error,
  className,
  checked,
  onCheckedChange,
  ...input
}: Common & { checked: boolean; onCheckedChange: (checked: boolean) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type' | 'checked'>) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field field--checkbox${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <div className="checkbox">
        <input
          type="checkbox"
          {...input}
          id={id}
          checked={checked}
          aria-invalid={error ? true : undefined}
          aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
          onChange={(e) => onCheckedChange(e.target.checked)}
        />
        <label htmlFor={id}>{label}</label>
      </div>
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

/** A form-level message: what went wrong, plus any field errors no input on the page claims. */
export function FormError({ message, details, testId = 'form-error' }: { message?: string | null; details?: Record<string, string>; testId?: string }) {
  const entries = Object.entries(details ?? {});
  if (!message && entries.length === 0) return null;
  return (
    <div className="banner banner--error" role="alert" data-testid={testId}>
      {message ? <p>{message}</p> : null}
      {entries.length > 0 ? (
        <ul>
          {entries.map(([path, msg]) => (
            <li key={path}>
              <code>{path}</code>: {msg}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
