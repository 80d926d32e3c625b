import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommissionType } from '../campaigns/index.js';
import { CommissionStatus } from './commission.entity.js';
import { CommissionTransitionError, commissionFor, refundAdjustment, sourcesOf, transition } from './commission-rules.js';

const { PENDING, FINALIZED, REVERSED, PAID } = CommissionStatus;

describe('commission transitions', () => {
  it.each([
    [PENDING, FINALIZED],
    [PENDING, REVERSED],
    [FINALIZED, PAID],
  ])('%s → %s is allowed', (from, to) => {
    const c = { status: from, finalizedAt: null as Date | null };
    const now = new Date('2026-01-01T00:00:00Z');
    transition(c, to, now);
    expect(c.status).toBe(to);
    if (to === FINALIZED) expect(c.finalizedAt).toEqual(now);
  });

  it.each([
    [PENDING, PAID],
    [FINALIZED, REVERSED],
    [FINALIZED, PENDING],
    [REVERSED, PENDING],
    [REVERSED, FINALIZED],
    [PAID, REVERSED],
    [PAID, PENDING],
    [PENDING, PENDING],
  ])('%s → %s throws a CONFLICT and changes nothing', (from, to) => {
    const c = { status: from };
    expect(() => transition(c, to)).toThrow(CommissionTransitionError);
    expect(c.status).toBe(from);
    try {
      transition(c, to);
    } catch (e) {
      expect((e as CommissionTransitionError).code).toBe('CONFLICT');
    }
  });

  it('set-based updates select exactly the legal source statuses', () => {
    expect(sourcesOf(FINALIZED)).toEqual([PENDING]);
    expect(sourcesOf(PAID)).toEqual([FINALIZED]);
    expect(sourcesOf(REVERSED)).toEqual([PENDING]);
    expect(sourcesOf(PENDING)).toEqual([]);
  });
});

describe('commission amounts', () => {
  it('PERCENTAGE: basis points rounded half-up; FLAT: the amount', () => {
    expect(commissionFor({ type: CommissionType.PERCENTAGE, rateBps: 1000 }, 12_345)).toBe(1235); // 1234.5 → 1235
    expect(commissionFor({ type: CommissionType.PERCENTAGE, rateBps: 1000 }, 12_344)).toBe(1234); // 1234.4 → 1234
    expect(commissionFor({ type: CommissionType.FLAT, amountMinor: 500 }, 99)).toBe(500);
  });
});

describe('refund adjustments', () => {
  it('proportional to the refunded share, half-up', () => {
    expect(refundAdjustment({ originalAmountMinor: 1000, orderAmountMinor: 10_000, refundedTotalMinor: 2_500, alreadyReducedMinor: 0 })).toBe(-250);
    expect(refundAdjustment({ originalAmountMinor: 333, orderAmountMinor: 1000, refundedTotalMinor: 500, alreadyReducedMinor: 0 })).toBe(-167); // 166.5 → 167
  });

  it('a full refund (or more) leaves exactly 0, never below', () => {
    expect(refundAdjustment({ originalAmountMinor: 333, orderAmountMinor: 1000, refundedTotalMinor: 1000, alreadyReducedMinor: 167 })).toBe(-166);
    expect(refundAdjustment({ originalAmountMinor: 333, orderAmountMinor: 1000, refundedTotalMinor: 5000, alreadyReducedMinor: 0 })).toBe(-333);
    expect(refundAdjustment({ originalAmountMinor: 333, orderAmountMinor: 1000, refundedTotalMinor: 5000, alreadyReducedMinor: 333 })).toBe(0);
  });

  it('an order of 0: its refund (of 0) is full and takes the whole FLAT commission', () => {
    expect(refundAdjustment({ originalAmountMinor: 500, orderAmountMinor: 0, refundedTotalMinor: 0, alreadyReducedMinor: 0 })).toBe(-500);
    expect(refundAdjustment({ originalAmountMinor: 500, orderAmountMinor: 0, refundedTotalMinor: 0, alreadyReducedMinor: 500 })).toBe(0);
  });

  it('cumulative: any split and order of refunds ends where one refund of the total would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 8 }),
        (order, original, refunds) => {
          let reduced = 0;
          let total = 0;
          for (const r of refunds) {
            total += r;
            const adj = refundAdjustment({ originalAmountMinor: original, orderAmountMinor: order, refundedTotalMinor: total, alreadyReducedMinor: reduced });
            expect(adj).toBeLessThanOrEqual(0);
            reduced -= adj;
          }
          const once = 0 - refundAdjustment({ originalAmountMinor: original, orderAmountMinor: order, refundedTotalMinor: total, alreadyReducedMinor: 0 });
          expect(reduced).toBe(once);
          expect(original - reduced).toBeGreaterThanOrEqual(0);
          if (total >= order) expect(original - reduced).toBe(0);
        },
      ),
    );
  });
});
