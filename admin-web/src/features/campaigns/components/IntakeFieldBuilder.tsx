import { CheckboxField, SelectField, TextAreaField, TextField } from '@sorae/web-shared';
import type { IntakeFieldType } from '../../../gql/graphql';
import { hasBounds, hasOptions, INTAKE_FIELD_TYPES, keyFromLabel, newIntakeField, type DraftErrors, type IntakeFieldDraft } from './campaign-draft';

interface Props {
  fields: IntakeFieldDraft[];
  onChange: (fields: IntakeFieldDraft[], change: { structural: boolean; index?: number; property?: keyof IntakeFieldDraft }) => void;
  errors: DraftErrors;
}

const BOUND_HINTS: Partial<Record<IntakeFieldType, string>> = {
  NUMBER: 'Lowest and highest accepted value.',
  TEXT: 'Shortest and longest answer, in characters.',
  TEXTAREA: 'Shortest and longest answer, in characters.',
  MULTISELECT: 'Fewest and most choices.',
};

/** The questions on the public application form: add, remove, reorder and configure each. */
export function IntakeFieldBuilder({ fields, onChange, errors }: Props) {
  const update = (index: number, property: keyof IntakeFieldDraft, value: IntakeFieldDraft[keyof IntakeFieldDraft]) => {
    onChange(
      fields.map((f, i) => (i === index ? { ...f, [property]: value } : f)),
      { structural: false, index, property },
    );
  };
  // The key follows the label until someone edits the key itself (then it differs from the label's key).
  const setLabel = (index: number, label: string) => {
    const f = fields[index]!;
    const follows = f.key === '' || f.key === keyFromLabel(f.label);
    onChange(
      fields.map((g, i) => (i === index ? { ...g, label, ...(follows ? { key: keyFromLabel(label) } : {}) } : g)),
      { structural: false, index, property: 'label' },
    );
  };
  const move = (index: number, by: -1 | 1) => {
    const to = index + by;
    if (to < 0 || to >= fields.length) return;
    const next = [...fields];
    [next[index], next[to]] = [next[to]!, next[index]!];
    onChange(next, { structural: true });
  };
  const remove = (index: number) =>
    onChange(
      fields.filter((_, i) => i !== index),
      { structural: true },
    );
  const add = () => onChange([...fields, newIntakeField()], { structural: true });

  const err = (i: number, prop: string) => {
    const prefix = `intakeFields.${i}.${prop}`;
    const hit = Object.entries(errors).find(([k]) => k === prefix || k.startsWith(`${prefix}.`));
    return hit?.[1];
  };

  return (
    <div className="intake-builder" data-testid="intake-field-builder">
      {errors.intakeFields ? (
        <p className="field__error" role="alert">
          {errors.intakeFields}
        </p>
      ) : null}
      {fields.length === 0 ? (
        <p className="muted" data-testid="intake-fields-empty">
          No questions yet: applicants give only their name, email and a password. Add fields to ask more.
        </p>
      ) : null}
      <ol className="intake-list">
        {fields.map((f, i) => {
          const n = i + 1;
          const title = f.label.trim() || f.key.trim() || 'Untitled field';
          return (
            <li key={f.uid} className="intake-field" data-testid={`intake-field-${i}`} aria-label={`Field ${n}: ${title}`}>
              <div className="intake-field__header">
                <span className="intake-field__number">{n}</span>
                <span className="intake-field__title">{title}</span>
                <div className="intake-field__actions">
                  <button
                    type="button"
                    className="btn btn--icon"
                    onClick={() => move(i, -1)}
                    disabled={i === 0}
                    aria-label={`Move field ${n} up`}
                    data-testid={`intake-field-${i}-up`}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn--icon"
                    onClick={() => move(i, 1)}
                    disabled={i === fields.length - 1}
                    aria-label={`Move field ${n} down`}
                    data-testid={`intake-field-${i}-down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn btn--ghost btn--danger-text"
                    onClick={() => remove(i)}
                    aria-label={`Remove field ${n}`}
                    data-testid={`intake-field-${i}-remove`}
                  >
                    Remove
                  </button>
                </div>
              </div>
              <div className="grid grid--3">
                <TextField
                  label="Label"
                  value={f.label}
                  onValueChange={(v) => setLabel(i, v)}
                  error={err(i, 'label')}
                  data-testid={`intake-field-${i}-label`}
                />
                <TextField
                  label="Key"
                  value={f.key}
                  onValueChange={(v) => update(i, 'key', v)}
                  error={err(i, 'key')}
                  hint="Made from the label; the id of the answers in exports (a-z, 0-9, _). Keep it once applications arrive."
                  spellCheck={false}
                  data-testid={`intake-field-${i}-key`}
                />
                <SelectField
                  label="Type"
                  value={f.type}
                  options={INTAKE_FIELD_TYPES}
                  onValueChange={(v) => update(i, 'type', v as IntakeFieldType)}
                  error={err(i, 'type')}
                  data-testid={`intake-field-${i}-type`}
                />
              </div>
              {hasOptions(f.type) ? (
                <TextAreaField
                  label="Options"
                  hint="One option per line."
                  value={f.options}
                  rows={4}
                  onValueChange={(v) => update(i, 'options', v)}
                  error={err(i, 'options')}
                  data-testid={`intake-field-${i}-options`}
                />
              ) : null}
              {hasBounds(f.type) ? (
                <div className="grid grid--2">
                  <TextField
                    label="Min"
                    inputMode="decimal"
                    value={f.min}
                    onValueChange={(v) => update(i, 'min', v)}
                    error={err(i, 'min')}
                    hint={BOUND_HINTS[f.type]}
                    data-testid={`intake-field-${i}-min`}
                  />
                  <TextField
                    label="Max"
                    inputMode="decimal"
                    value={f.max}
                    onValueChange={(v) => update(i, 'max', v)}
                    error={err(i, 'max')}
                    data-testid={`intake-field-${i}-max`}
                  />
                </div>
              ) : null}
              <TextField
                label="Help text"
                value={f.helpText}
                onValueChange={(v) => update(i, 'helpText', v)}
                error={err(i, 'helpText')}
                hint="Shown under the question on the application form."
                data-testid={`intake-field-${i}-help`}
              />
              <CheckboxField
                label="Required"
                checked={f.required}
                onCheckedChange={(v) => update(i, 'required', v)}
                error={err(i, 'required')}
                data-testid={`intake-field-${i}-required`}
              />
            </li>
          );
        })}
      </ol>
      <button type="button" className="btn btn--secondary" onClick={add} data-testid="add-intake-field">
        + Add field
      </button>
    </div>
  );
}
