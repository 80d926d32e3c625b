import { z } from 'zod';
import { IntakeFieldType, MAX_FORM_LENGTH, MAX_INTAKE_FIELDS } from './types.js';

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
    min: z
      .number()
      .finite()
      .nullish()
      .transform((v) => v ?? null),
    max: z
      .number()
      .finite()
      .nullish()
      .transform((v) => v ?? null),
    helpText: z
      .string()
      .trim()
      .max(500)
      .nullish()
      .transform((v) => v || null),
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

/** A campaign's form as an operator defines it: each field's rules, and keys unique. */
export const intakeFieldsSchema = z
  .array(fieldSchema)
  .max(MAX_INTAKE_FIELDS, `at most ${MAX_INTAKE_FIELDS} fields`)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((f, i) => {
      if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate key "${f.key}"` });
      seen.add(f.key);
    });
    const length = fields.reduce((n, f) => n + f.label.length + (f.helpText?.length ?? 0) + f.options.reduce((m, o) => m + o.length, 0), 0);
    if (length > MAX_FORM_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `is too long: at most ${MAX_FORM_LENGTH.toLocaleString('en-US')} characters of labels, help texts and options in all (${length.toLocaleString('en-US')})`,
      });
    }
  });
