import { describe, expect, it } from 'vitest';
import { ApplicationStatus as S } from './application.entity.js';
import { EnrollmentStatus as E } from './enrollment.entity.js';
import { canTransition, canTransitionEnrollment, refusal, sourcesOf } from './review-rules.js';

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

describe('enrollment transitions', () => {
  it('an operator suspends an active enrollment and reactivates a suspended one; staying put is no transition', () => {
    const legal = [
      [E.ACTIVE, E.SUSPENDED],
      [E.SUSPENDED, E.ACTIVE],
    ];
    for (const from of Object.values(E)) {
      for (const to of Object.values(E)) {
        expect(canTransitionEnrollment(from, to), `${from} → ${to}`).toBe(legal.some(([f, t]) => f === from && t === to));
      }
    }
  });
});
