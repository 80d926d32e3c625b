import { useId, type ReactNode } from 'react';
import { CheckboxField, FieldMessages, SelectField, TextAreaField, TextField } from '@sorae/web-shared';
import { asSentence, type IntakeFieldDefinition } from '../validation';

interface Props {
  field: IntakeFieldDefinition;
  /** The answer as the server takes it: MULTISELECT a JSON array, CHECKBOX "true"/"false". */
  value: string;
  onChange: (value: string) => void;
  error?: string;
}

/** A label with a visible (but not read twice) required marker. */
export function FieldLabel({ text, required }: { text: string; required: boolean }) {
  return (
    <>
      {text}
      {required ? (
        <span className="required-mark" aria-hidden="true">
          {' *'}
        </span>
      ) : null}
    </>
  );
}

/** One question of a campaign's application form, with the input its type calls for. */
export function IntakeFieldInput({ field, value, onChange, error }: Props) {
  const label = <FieldLabel text={field.label} required={field.required} />;
  const hint: ReactNode = field.helpText ?? undefined;
  const message = error ? asSentence(error) : undefined;
  const common = { label, hint, error: message, required: field.required, 'aria-required': field.required, 'data-testid': `apply-answer-${field.key}` };

  switch (field.type) {
    case 'TEXTAREA':
      return <TextAreaField {...common} name={field.key} rows={4} value={value} onValueChange={onChange} />;
    case 'NUMBER':
      return (
        <TextField
          {...common}
          type="number"
          inputMode="decimal"
          step="any"
          name={field.key}
          min={field.min ?? undefined}
          max={field.max ?? undefined}
          value={value}
          onValueChange={onChange}
        />
      );
    case 'URL':
      return <TextField {...common} type="url" inputMode="url" name={field.key} placeholder="https://" value={value} onValueChange={onChange} />;
    case 'EMAIL':
      return <TextField {...common} type="email" name={field.key} autoComplete="email" value={value} onValueChange={onChange} />;
    case 'SELECT':
      return (
        <SelectField
          {...common}
          name={field.key}
          value={value}
          onValueChange={onChange}
          options={[{ value: '', label: field.required ? 'Choose one…' : '(none)' }, ...field.options.map((o) => ({ value: o, label: o }))]}
        />
      );
    case 'MULTISELECT':
      return <MultiSelect field={field} value={value} onChange={onChange} error={message} label={label} hint={hint} />;
    case 'CHECKBOX':
      return (
        <CheckboxField
          label={label}
          hint={hint}
          error={message}
          name={field.key}
          aria-required={field.required}
          checked={value === 'true'}
          onCheckedChange={(checked) => onChange(checked ? 'true' : 'false')}
          data-testid={`apply-answer-${field.key}`}
        />
      );
    case 'TEXT':
    default:
      return <TextField {...common} name={field.key} value={value} onValueChange={onChange} />;
  }
}

function parseChoices(value: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/** Checkboxes, one per option; the answer is a JSON array of the checked ones, in option order. */
function MultiSelect({ field, value, onChange, error, label, hint }: Omit<Props, 'error'> & { error?: string; label: ReactNode; hint: ReactNode }) {
  const id = useId();
  const chosen = new Set(parseChoices(value));
  const toggle = (option: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(option);
    else next.delete(option);
    onChange(JSON.stringify(field.options.filter((o) => next.has(o))));
  };
  const errorId = error ? `${id}-error` : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <fieldset
      className={`field field--choices${error ? ' field--invalid' : ''}`}
      aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
      aria-invalid={error ? true : undefined}
      data-testid={`apply-answer-${field.key}`}
    >
      <legend className="field__label">{label}</legend>
      <div className="choices">
        {field.options.map((option, i) => (
          <div className="checkbox" key={option}>
            <input
              type="checkbox"
              id={`${id}-${i}`}
              name={field.key}
              value={option}
              checked={chosen.has(option)}
              onChange={(e) => toggle(option, e.target.checked)}
            />
            <label htmlFor={`${id}-${i}`}>{option}</label>
          </div>
        ))}
      </div>
      <FieldMessages id={id} error={error} hint={hint} />
    </fieldset>
  );
}
