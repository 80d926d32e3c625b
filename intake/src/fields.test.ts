import { describe, expect, it } from 'vitest';
import { intakeFieldsSchema, IntakeFieldType, MAX_INTAKE_FIELDS } from './index.js';

const issues = (input: unknown) => {
  const r = intakeFieldsSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('a campaign form as an operator defines it', () => {
  it('fills in what was left out, trims, and keeps what it needs', () => {
    expect(intakeFieldsSchema.parse([{ key: 'followers', label: ' Followers ', type: 'NUMBER', min: 0, helpText: '' }])).toEqual([
      { key: 'followers', label: 'Followers', type: IntakeFieldType.NUMBER, required: false, options: [], min: 0, max: null, helpText: null },
    ]);
  });

  it('names every rule a field breaks', () => {
    expect(issues([{ key: 'Bad Key', label: ' ', type: 'TEXT' }])).toEqual([
      '0.key: must start with a letter and use only a-z, 0-9 and _ (at most 40)',
      '0.label: is required',
    ]);
    expect(issues([{ key: 'c', label: 'C', type: 'SELECT', options: [] }])).toEqual(['0.options: a SELECT field needs at least one option']);
    expect(issues([{ key: 'c', label: 'C', type: 'MULTISELECT', options: ['a', 'a'] }])).toEqual(['0.options: options must be unique']);
    expect(issues([{ key: 'c', label: 'C', type: 'TEXT', options: ['a'] }])).toEqual(['0.options: a TEXT field takes no options']);
    expect(issues([{ key: 'c', label: 'C', type: 'URL', max: 3 }])).toEqual(['0.max: a URL field takes no min or max']);
    expect(issues([{ key: 'c', label: 'C', type: 'TEXT', min: 1.5 }])).toEqual(['0.min: must be a whole number ≥ 0']);
    expect(issues([{ key: 'c', label: 'C', type: 'NUMBER', min: 5, max: -1 }])).toEqual(['0.min: must not be greater than max']);
  });

  it('keys are unique, and a form has at most MAX_INTAKE_FIELDS fields', () => {
    expect(
      issues([
        { key: 'a', label: 'A', type: 'TEXT' },
        { key: 'a', label: 'B', type: 'EMAIL' },
      ]),
    ).toEqual(['1.key: duplicate key "a"']);
    const many = Array.from({ length: MAX_INTAKE_FIELDS + 1 }, (_, i) => ({ key: `f${i}`, label: 'F', type: 'TEXT' }));
    expect(issues(many)).toEqual([`: at most ${MAX_INTAKE_FIELDS} fields`]);
  });
});
