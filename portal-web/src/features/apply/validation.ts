/**
 * The application form's checks before it is sent: each answer by `@sorae/intake`'s
 * `checkAnswer`, the very rules and messages the server applies, and the applicant's own fields
 * as `submitApplication` checks them (the server also refuses common passwords). The server
 * checks again: these only spare the applicant a round trip.
 */
import { checkAnswer, type AnswerRules } from '@sorae/intake';

export interface IntakeFieldDefinition extends AnswerRules {
  key: string;
  label: string;
  helpText?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
export function checkApplication(
  fields: readonly IntakeFieldDefinition[],
  applicant: Applicant,
  answers: Readonly<Record<string, string>>,
): Record<string, string> {
  const errors = checkApplicant(applicant);
  for (const field of fields) {
    const checked = checkAnswer(field, answers[field.key]);
    if ('error' in checked) errors[`answers.${field.key}`] = checked.error;
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
