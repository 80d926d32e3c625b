import { describe, expect, it } from 'vitest';
import { ApplicationStatus as S } from './application.entity.js';
import { canTransition, refusal, sourcesOf } from './review-rules.js';

describe('application review transitions', () => {
  it('a submitted application can be approved or rejected', () => {
    expect(canTransition(S.SUBMITTED, S.APPROVED)).toBe(true);
    expect(canTransition(S.SUBMITTED, S.REJECTED)).toBe(true);
  });

  it('a reviewed application never changes again', () => {
    for (const from of [S.APPROVED, S.REJECTED]) {
      for (const to of Object.values(S)) expect(canTransition(from, to)).toBe(false);
    }
    expect(refusal(S.REJECTED, S.APPROVED)).toBe('cannot be approved: it is already rejected');
    expect(refusal(S.APPROVED, S.APPROVED)).toBe('already approved');
  });

  it('set-based review selects only the legal source statuses', () => {
    expect(sourcesOf(S.APPROVED)).toEqual([S.SUBMITTED]);
    expect(sourcesOf(S.SUBMITTED)).toEqual([]);
  });
});
