import { z } from 'zod';

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

export const MAX_INTAKE_FIELDS = 50;
const CHOICE_TYPES = new Set([IntakeFieldType.SELECT, IntakeFieldType.MULTISELECT]);
/** For text types min/max bound the length, for MULTISELECT the number of choices. */
const COUNT_TYPES = new Set([IntakeFieldType.TEXT, IntakeFieldType.TEXTAREA, IntakeFieldType.MULTISELECT]);

const fieldSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must start with a letter and use only a-z, 0-9 and _ (at most 40)'),
    label: z.string().trim().min(1, 'is required').max(200),
    type: z.enum(IntakeFieldType),
    required: z.boolean().default(false),
    options: z
      .array(z.string().trim().min(1, 'options cannot be blank').max(200))
      .max(100)
      .nullish()
      .transform((o) => o ?? []),
    min: z.number().finite().nullish().transform((v) => v ?? null),
    max: z.number().finite().nullish().transform((v) => v ?? null),
    helpText: z.string().trim().max(500).nullish().transform((v) => v || null),
  })
  .superRefine((f, ctx) => {
    if (CHOICE_TYPES.has(f.type)) {
      if (f.options.length === 0) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.type} field needs at least one option` });
      if (new Set(f.options).size !== f.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must be unique' });
    } else if (f.options.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.type} field takes no options` });
    }
    const bounded = f.type === IntakeFieldType.NUMBER || COUNT_TYPES.has(f.type);
    if (!bounded && (f.min !== null || f.max !== null)) {
      ctx.addIssue({ code: 'custom', path: [f.min !== null ? 'min' : 'max'], message: `a ${f.type} field takes no min or max` });
    }
    if (COUNT_TYPES.has(f.type)) {
      for (const k of ['min', 'max'] as const) {
        const v = f[k];
        if (v !== null && (!Number.isInteger(v) || v < 0)) ctx.addIssue({ code: 'custom', path: [k], message: 'must be a whole number ≥ 0' });
      }
    }
    if (f.min !== null && f.max !== null && f.min > f.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'must not be greater than max' });
    }
  });

export const intakeFieldsSchema = z
  .array(fieldSchema)
  .max(MAX_INTAKE_FIELDS, `at most ${MAX_INTAKE_FIELDS} fields`)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((f, i) => {
      if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate key "${f.key}"` });
      seen.add(f.key);
    });
  });

/** Longest accepted answer to any field; keeps one applicant from storing megabytes. */
export const MAX_ANSWER_LENGTH = 5_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks one answer against its field definition. Returns the normalised value, or an error
 * message. `undefined`/'' means "not answered". portal-web mirrors these rules.
 */
export function checkAnswer(field: IntakeField, raw: string | undefined): { value: string | null } | { error: string } {
  const value = raw?.trim() ?? '';
  if (value.length > MAX_ANSWER_LENGTH) return { error: `must be at most ${MAX_ANSWER_LENGTH} characters` };
  const unanswered = value === '' || (field.type === IntakeFieldType.CHECKBOX && value === 'false') || (field.type === IntakeFieldType.MULTISELECT && value === '[]');
  if (unanswered) return field.required ? { error: 'is required' } : { value: field.type === IntakeFieldType.CHECKBOX ? 'false' : null };
  const { min, max } = field;
  switch (field.type) {
    case IntakeFieldType.TEXT:
    case IntakeFieldType.TEXTAREA:
      if (field.type === IntakeFieldType.TEXT && value.includes('\n')) return { error: 'must be a single line' };
      if (min !== null && value.length < min) return { error: `must be at least ${min} characters` };
      if (max !== null && value.length > max) return { error: `must be at most ${max} characters` };
      return { value };
    case IntakeFieldType.NUMBER: {
      if (!/^-?\d+(\.\d+)?$/.test(value)) return { error: 'must be a number' };
      const n = Number(value);
      if (min !== null && n < min) return { error: `must be at least ${min}` };
      if (max !== null && n > max) return { error: `must be at most ${max}` };
      return { value: String(n) };
    }
    case IntakeFieldType.URL: {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return { error: 'must be a URL starting with http:// or https://' };
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'must be a URL starting with http:// or https://' };
      return { value: url.toString() };
    }
    case IntakeFieldType.EMAIL:
      return EMAIL.test(value) && value.length <= 320 ? { value: value.toLowerCase() } : { error: 'must be an email address' };
    case IntakeFieldType.SELECT:
      return field.options.includes(value) ? { value } : { error: 'must be one of the options' };
    case IntakeFieldType.MULTISELECT: {
      let chosen: unknown;
      try {
        chosen = JSON.parse(value);
      } catch {
        return { error: 'must be a JSON array of options' };
      }
      if (!Array.isArray(chosen) || !chosen.every((c) => typeof c === 'string')) return { error: 'must be a JSON array of options' };
      if (new Set(chosen).size !== chosen.length) return { error: 'must not repeat an option' };
      if (!chosen.every((c) => field.options.includes(c))) return { error: 'must only contain the options' };
      if (min !== null && chosen.length < min) return { error: `choose at least ${min}` };
      if (max !== null && chosen.length > max) return { error: `choose at most ${max}` };
      return { value: JSON.stringify(chosen) };
    }
    case IntakeFieldType.CHECKBOX:
      return value === 'true' ? { value } : { error: 'must be true or false' };
  }
}
