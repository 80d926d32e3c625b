/**
 * The application form's checks, mirroring the server's (`checkAnswer` in
 * server/src/modules/campaigns/intake-fields.ts, and the applicant fields of
 * `submitApplication`) with the same messages. The server checks again: these only spare the
 * applicant a round trip. Keep the two in step.
 */
import type { IntakeFieldType } from '../../gql/graphql';

export interface IntakeFieldDefinition {
  key: string;
  label: string;
  type: IntakeFieldType;
  required: boolean;
  options: readonly string[];
  min?: number | null;
  max?: number | null;
  helpText?: string | null;
}

/** Longest accepted answer to any field (server: MAX_ANSWER_LENGTH). */
export const MAX_ANSWER_LENGTH = 5_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_ERROR = 'must be a URL starting with http:// or https://';

/** One answer against its field: an error message, or null when it is acceptable. */
export function checkAnswer(field: IntakeFieldDefinition, raw: string | undefined): string | null {
  const value = raw?.trim() ?? '';
  if (value.length > MAX_ANSWER_LENGTH) return `must be at most ${MAX_ANSWER_LENGTH} characters`;
  const unanswered = value === '' || (field.type === 'CHECKBOX' && value === 'false') || (field.type === 'MULTISELECT' && value === '[]');
  if (unanswered) return field.required ? 'is required' : null;
  const min = field.min ?? null;
  const max = field.max ?? null;
  switch (field.type) {
    case 'TEXT':
    case 'TEXTAREA':
      if (field.type === 'TEXT' && value.includes('\n')) return 'must be a single line';
      if (min !== null && value.length < min) return `must be at least ${min} characters`;
      if (max !== null && value.length > max) return `must be at most ${max} characters`;
      return null;
    case 'NUMBER': {
      if (!/^-?\d+(\.\d+)?$/.test(value)) return 'must be a number';
      const n = Number(value);
      if (min !== null && n < min) return `must be at least ${min}`;
      if (max !== null && n > max) return `must be at most ${max}`;
      return null;
    }
    case 'URL': {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return URL_ERROR;
      }
      return url.protocol === 'http:' || url.protocol === 'https:' ? null : URL_ERROR;
    }
    case 'EMAIL':
      return EMAIL.test(value) && value.length <= 320 ? null : 'must be an email address';
    case 'SELECT':
      return field.options.includes(value) ? null : 'must be one of the options';
    case 'MULTISELECT': {
      let chosen: unknown;
      try {
        chosen = JSON.parse(value);
      } catch {
        return 'must be a JSON array of options';
      }
      if (!Array.isArray(chosen) || !chosen.every((c) => typeof c === 'string')) return 'must be a JSON array of options';
      if (new Set(chosen).size !== chosen.length) return 'must not repeat an option';
      if (!chosen.every((c) => field.options.includes(c))) return 'must only contain the options';
      if (min !== null && chosen.length < min) return `choose at least ${min}`;
      if (max !== null && chosen.length > max) return `choose at most ${max}`;
      return null;
    }
    case 'CHECKBOX':
      return value === 'true' ? null : 'must be true or false';
    default:
      return null;
  }
}

export interface Applicant {
  name: string;
  email: string;
  password: string;
}

/** The applicant's own fields, as the server's `submitApplication` schema checks them. */
export function checkApplicant(a: Applicant): Record<string, string> {
  const errors: Record<string, string> = {};
  const name = a.name.trim();
  if (!name) errors.name = 'is required';
  else if (name.length > 200) errors.name = 'must be at most 200 characters';
  const email = a.email.trim();
  if (!EMAIL.test(email) || email.length > 320) errors.email = 'must be an email address';
  if (a.password.length < 12) errors.password = 'must be at least 12 characters';
  else if (a.password.length > 200) errors.password = 'must be at most 200 characters';
  return errors;
}

/**
 * Every problem with the form, keyed like the server's fieldErrors: `name`, `email`,
 * `password`, `answers.<key>`.
 */
export function checkApplication(fields: readonly IntakeFieldDefinition[], applicant: Applicant, answers: Readonly<Record<string, string>>): Record<string, string> {
  const errors = checkApplicant(applicant);
  for (const field of fields) {
    const error = checkAnswer(field, answers[field.key]);
    if (error) errors[`answers.${field.key}`] = error;
  }
  return errors;
}

/** The value a field starts with: unchecked checkboxes are "false", an empty choice "[]". */
export function initialAnswer(field: IntakeFieldDefinition): string {
  if (field.type === 'CHECKBOX') return 'false';
  if (field.type === 'MULTISELECT') return '[]';
  return '';
}

/** Server and client messages are fragments ("is required"); beside a field they read as a sentence. */
export function asSentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
