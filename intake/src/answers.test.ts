import { describe, expect, it } from 'vitest';
import { checkAnswer, MAX_ANSWER_LENGTH, type AnswerRules } from './index.js';

const field = (type: AnswerRules['type'], more: Partial<AnswerRules> = {}): AnswerRules => ({ type, required: false, options: [], ...more });

describe('an answer checked against its field', () => {
  it('unanswered: an error only when required; an unticked checkbox is "false", an empty choice nothing', () => {
    expect(checkAnswer(field('TEXT', { required: true }), '  ')).toEqual({ error: 'is required' });
    expect(checkAnswer(field('CHECKBOX', { required: true }), 'false')).toEqual({ error: 'is required' });
    expect(checkAnswer(field('MULTISELECT', { required: true, options: ['a'] }), '[]')).toEqual({ error: 'is required' });
    expect(checkAnswer(field('TEXT'), undefined)).toEqual({ value: null });
    expect(checkAnswer(field('CHECKBOX'), '')).toEqual({ value: 'false' });
    expect(checkAnswer(field('MULTISELECT', { options: ['a'] }), '[]')).toEqual({ value: null });
  });

  it('text: trimmed, one line for TEXT, its length within min and max', () => {
    expect(checkAnswer(field('TEXT', { min: 2, max: 4 }), '  abc ')).toEqual({ value: 'abc' });
    expect(checkAnswer(field('TEXT'), 'a\nb')).toEqual({ error: 'must be a single line' });
    expect(checkAnswer(field('TEXTAREA'), 'a\nb')).toEqual({ value: 'a\nb' });
    expect(checkAnswer(field('TEXT', { min: 2 }), 'a')).toEqual({ error: 'must be at least 2 characters' });
    expect(checkAnswer(field('TEXTAREA', { max: 4 }), 'abcde')).toEqual({ error: 'must be at most 4 characters' });
    expect(checkAnswer(field('TEXTAREA'), 'x'.repeat(MAX_ANSWER_LENGTH + 1))).toEqual({ error: `must be at most ${MAX_ANSWER_LENGTH} characters` });
  });

  it('number: decimal digits only, stored as the number it is, within min and max', () => {
    expect(checkAnswer(field('NUMBER'), '0012.50')).toEqual({ value: '12.5' });
    expect(checkAnswer(field('NUMBER'), '-3')).toEqual({ value: '-3' });
    for (const bad of ['1e3', '12k', '0x10', '.5', 'Infinity']) expect(checkAnswer(field('NUMBER'), bad), bad).toEqual({ error: 'must be a number' });
    expect(checkAnswer(field('NUMBER', { min: 100 }), '99')).toEqual({ error: 'must be at least 100' });
    expect(checkAnswer(field('NUMBER', { max: 10 }), '10.5')).toEqual({ error: 'must be at most 10' });
  });

  it('url: http or https only, normalised; email: lower-cased', () => {
    expect(checkAnswer(field('URL'), 'https://Example.com')).toEqual({ value: 'https://example.com/' });
    for (const bad of ['example.com', 'javascript:alert(1)', 'ftp://example.com']) {
      expect(checkAnswer(field('URL'), bad), bad).toEqual({ error: 'must be a URL starting with http:// or https://' });
    }
    expect(checkAnswer(field('EMAIL'), ' Ava@Example.COM ')).toEqual({ value: 'ava@example.com' });
    expect(checkAnswer(field('EMAIL'), 'ava@example')).toEqual({ error: 'must be an email address' });
    expect(checkAnswer(field('EMAIL'), `${'a'.repeat(320)}@example.com`)).toEqual({ error: 'must be an email address' });
  });

  it('choices: one of the options; several as a JSON array without repeats, counted within min and max', () => {
    const options = ['video', 'blog', 'podcast'];
    expect(checkAnswer(field('SELECT', { options }), 'blog')).toEqual({ value: 'blog' });
    expect(checkAnswer(field('SELECT', { options }), 'Blog')).toEqual({ error: 'must be one of the options' });
    expect(checkAnswer(field('MULTISELECT', { options }), '[ "blog", "video" ]')).toEqual({ value: '["blog","video"]' });
    expect(checkAnswer(field('MULTISELECT', { options }), 'blog')).toEqual({ error: 'must be a JSON array of options' });
    expect(checkAnswer(field('MULTISELECT', { options }), '[1]')).toEqual({ error: 'must be a JSON array of options' });
    expect(checkAnswer(field('MULTISELECT', { options }), '["blog","blog"]')).toEqual({ error: 'must not repeat an option' });
    expect(checkAnswer(field('MULTISELECT', { options }), '["radio"]')).toEqual({ error: 'must only contain the options' });
    expect(checkAnswer(field('MULTISELECT', { options, min: 2 }), '["blog"]')).toEqual({ error: 'choose at least 2' });
    expect(checkAnswer(field('MULTISELECT', { options, max: 1 }), '["blog","video"]')).toEqual({ error: 'choose at most 1' });
  });

  it('checkbox: "true" when ticked, nothing else', () => {
    expect(checkAnswer(field('CHECKBOX', { required: true }), 'true')).toEqual({ value: 'true' });
    expect(checkAnswer(field('CHECKBOX'), 'yes')).toEqual({ error: 'must be true or false' });
  });
});
