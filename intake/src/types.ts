/**
 * Characters of a whole form's text (labels, help texts, options together). With the answers'
 * bound it keeps the largest valid request well inside the GraphQL body limit.
 */
export const MAX_FORM_LENGTH = 50_000;

export enum IntakeFieldType {
  TEXT = 'TEXT',
  TEXTAREA = 'TEXTAREA',
  NUMBER = 'NUMBER',
  URL = 'URL',
  EMAIL = 'EMAIL',
  SELECT = 'SELECT',
  MULTISELECT = 'MULTISELECT',
  CHECKBOX = 'CHECKBOX',
}

/** A question of a campaign's application form, as the campaign stores it. */
export interface IntakeField {
  key: string;
  label: string;
  type: IntakeFieldType;
  required: boolean;
  options: string[];
  min: number | null;
  max: number | null;
  helpText: string | null;
}

/**
 * What checking an answer reads of its field: a stored `IntakeField`, or the field as a web
 * app's generated GraphQL types have it (the type as a string, options read-only).
 */
export interface AnswerRules {
  type: `${IntakeFieldType}`;
  required: boolean;
  options: readonly string[];
  min?: number | null;
  max?: number | null;
}

export const MAX_INTAKE_FIELDS = 50;
