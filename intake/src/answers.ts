import type { AnswerRules } from './types.js';

/** Longest accepted answer to any field; keeps one applicant from storing megabytes. */
export const MAX_ANSWER_LENGTH = 5_000;
/** All of an application's answers together, in characters. */
export const MAX_ANSWERS_LENGTH = 20_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_ERROR = 'must be a URL starting with http:// or https://';

/**
 * Checks one answer against its field. Returns the normalised value (what the server stores),
 * or an error message (a fragment: "is required"). `undefined`/'' means "not answered". The
 * server decides with it; the portal runs it before sending, to spare the applicant a round trip.
 */
export function checkAnswer(field: AnswerRules, raw: string | undefined): { value: string | null } | { error: string } {
  const value = raw?.trim() ?? '';
  if (value.length > MAX_ANSWER_LENGTH) return { error: `must be at most ${MAX_ANSWER_LENGTH} characters` };
  const unanswered = value === '' || (field.type === 'CHECKBOX' && value === 'false') || (field.type === 'MULTISELECT' && value === '[]');
  if (unanswered) return field.required ? { error: 'is required' } : { value: field.type === 'CHECKBOX' ? 'false' : null };
  const min = field.min ?? null;
  const max = field.max ?? null;
  switch (field.type) {
    case 'TEXT':
    case 'TEXTAREA':
      if (field.type === 'TEXT' && value.includes('\n')) return { error: 'must be a single line' };
      if (min !== null && value.length < min) return { error: `must be at least ${min} characters` };
      if (max !== null && value.length > max) return { error: `must be at most ${max} characters` };
      return { value };
    case 'NUMBER': {
      if (!/^-?\d+(\.\d+)?$/.test(value)) return { error: 'must be a number' };
      const n = Number(value);
      if (min !== null && n < min) return { error: `must be at least ${min}` };
      if (max !== null && n > max) return { error: `must be at most ${max}` };
      return { value: String(n) };
    }
    case 'URL': {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return { error: URL_ERROR };
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: URL_ERROR };
      return { value: url.toString() };
    }
    case 'EMAIL':
      return EMAIL.test(value) && value.length <= 320 ? { value: value.toLowerCase() } : { error: 'must be an email address' };
    case 'SELECT':
      return field.options.includes(value) ? { value } : { error: 'must be one of the options' };
    case 'MULTISELECT': {
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
    case 'CHECKBOX':
      return value === 'true' ? { value } : { error: 'must be true or false' };
  }
}
