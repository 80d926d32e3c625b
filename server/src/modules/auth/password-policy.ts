import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../../config.js';

/** A few thousand of the passwords most often found in breaches, lower-case (server/data/). */
const COMMON = new Set(
  readFileSync(new URL('../../../data/common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean),
);

/**
 * True for a password on the common list, also when it only pads one with digits or symbols
 * ("Password2026!", "!!qwertyuiop") or repeats a short piece ("abcabcabcabc").
 */
export function isCommonPassword(password: string): boolean {
  const p = password.toLowerCase();
  const core = p.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  return COMMON.has(p) || (core.length >= 4 && COMMON.has(core)) || /^(.{1,4})\1+$/.test(p);
}

/** A password being set: sign-up, a new operator, the first owner. Existing ones still sign in. */
export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'must be at most 200 characters')
  .refine((p) => !isCommonPassword(p), 'is too common: choose one that is not on lists of breached passwords');
