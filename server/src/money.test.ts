import { describe, expect, it } from 'vitest';
import { minorFromDb } from './money.js';

describe('minorFromDb', () => {
  it('reads a PostgreSQL sum past 2^31 (numeric text) as an exact number, and no rows as 0', () => {
    expect(minorFromDb('2147483648')).toBe(2 ** 31);
    expect(minorFromDb('-1')).toBe(-1);
    expect(minorFromDb(null)).toBe(0);
  });

  it('refuses a sum a JS number cannot hold exactly instead of rounding it', () => {
    expect(() => minorFromDb('9007199254740993')).toThrow(/beyond 2\^53/);
    expect(() => minorFromDb('12.5')).toThrow();
  });
});
