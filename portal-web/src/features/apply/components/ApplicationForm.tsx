import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { describeError, FormError, TextField } from '@sorae/web-shared';
import type { SubmitApplicationMutation } from '../../../gql/graphql';
import { SubmitApplicationDocument } from '../api/apply';
import { asSentence, checkApplication, initialAnswer, type IntakeFieldDefinition } from '../validation';
import { FieldLabel, IntakeFieldInput } from './IntakeFieldInput';

export type SubmittedApplication = SubmitApplicationMutation['submitApplication'];

interface Props {
  campaignSlug: string;
  fields: readonly IntakeFieldDefinition[];
  onSubmitted: (application: SubmittedApplication) => void;
}

const OWN_KEYS = new Set(['name', 'email', 'password']);

/**
 * The public application form: the campaign's questions, then who is applying. Checked here
 * first (same rules and messages as the server), then by the server, whose per-field messages
 * land beside the same fields.
 */
export function ApplicationForm({ campaignSlug, fields, onSubmitted }: Props) {
  const [submit, { loading }] = useMutation(SubmitApplicationDocument);
  const [answers, setAnswers] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.key, initialAnswer(f)])));
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<{ message: string; code?: string } | null>(null);

  // After a first attempt the form re-checks as the applicant types, so errors clear as they are fixed.
  const clientErrors = attempted ? checkApplication(fields, { name, email, password }, answers) : {};
  const errors = { ...serverErrors, ...clientErrors };
  const errorOf = (key: string) => (errors[key] ? asSentence(errors[key]) : undefined);
  const forget = (key: string) =>
    setServerErrors((e) => {
      if (!(key in e)) return e;
      const { [key]: _gone, ...rest } = e;
      return rest;
    });

  /** What the three account fields share: required, their value, their error, and forgetting the server's message on edit. */
  const accountField = (key: 'name' | 'email' | 'password', value: string, setValue: (v: string) => void) => ({
    name: key,
    required: true,
    value,
    onValueChange: (v: string) => {
      setValue(v);
      forget(key);
    },
    error: errorOf(key),
  });

  const setAnswer = (key: string, value: string) => {
    setAnswers((a) => ({ ...a, [key]: value }));
    forget(`answers.${key}`);
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    setFormError(null);
    setServerErrors({});
    const problems = checkApplication(fields, { name, email, password }, answers);
    if (Object.keys(problems).length > 0) {
      focusFirstInvalid();
      return;
    }
    try {
      const { data } = await submit({
        variables: {
          input: {
            campaignSlug,
            name: name.trim(),
            email: email.trim(),
            password,
            answers: fields.map((f) => ({ key: f.key, value: answers[f.key] ?? '' })),
          },
        },
      });
      if (!data) return;
      onSubmitted(data.submitApplication);
    } catch (err) {
      const p = describeError(err);
      setServerErrors(p.fieldErrors);
      setFormError({ message: p.message, code: p.code });
      focusFirstInvalid();
    }
  };

  // Server messages that no field on this form claims (for example `campaignSlug`).
  const unclaimed = Object.fromEntries(
    Object.entries(serverErrors).filter(([k]) => !OWN_KEYS.has(k) && !(k.startsWith('answers.') && fields.some((f) => `answers.${f.key}` === k))),
  );

  return (
    <form className="stack" onSubmit={onSubmit} noValidate data-testid="apply-form">
      {fields.length > 0 ? (
        <fieldset className="form-section">
          <legend className="form-section__title">About you and your audience</legend>
          {fields.map((field) => (
            <IntakeFieldInput
              key={field.key}
              field={field}
              value={answers[field.key] ?? ''}
              onChange={(v) => setAnswer(field.key, v)}
              error={errors[`answers.${field.key}`]}
            />
          ))}
        </fieldset>
      ) : null}

      <fieldset className="form-section">
        <legend className="form-section__title">Your partner account</legend>
        <p className="muted">
          We email you a link to confirm your application; then you follow it in the partner portal, signing in with this email and password.
        </p>
        <TextField label={<FieldLabel text="Your name" required />} autoComplete="name" {...accountField('name', name, setName)} data-testid="apply-name" />
        <TextField
          label={<FieldLabel text="Email" required />}
          type="email"
          autoComplete="email"
          {...accountField('email', email, setEmail)}
          data-testid="apply-email"
        />
        <TextField
          label={<FieldLabel text="Password" required />}
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters, not a common password. Already a partner with us? Your account keeps its password: the emailed link asks for it."
          {...accountField('password', password, setPassword)}
          data-testid="apply-password"
        />
      </fieldset>

      {formError ? (
        <div className="stack stack--tight">
          <FormError message={formError.message} details={unclaimed} />
        </div>
      ) : null}
      {attempted && Object.keys(clientErrors).length > 0 ? (
        <p className="field__error" role="alert" data-testid="apply-check-fields">
          Please correct the highlighted fields.
        </p>
      ) : null}

      <button type="submit" className="btn btn--primary btn--block" disabled={loading} data-testid="apply-submit">
        {loading ? 'Sending your application…' : 'Submit application'}
      </button>
    </form>
  );
}

/** Moves focus to the first field marked invalid, once React has rendered the errors. */
function focusFirstInvalid() {
  requestAnimationFrame(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="apply-form"] [aria-invalid="true"]');
    if (!el) return;
    const target = el.tagName === 'FIELDSET' ? el.querySelector<HTMLElement>('input') : el;
    target?.focus();
  });
}
