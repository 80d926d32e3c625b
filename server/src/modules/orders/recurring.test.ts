import { describe, expect, it } from 'vitest';
import { CommissionDuration } from '../campaigns/index.js';
import { Channel } from '../tracking/index.js';
import { billingMonth, renewal, type FirstPayment } from './recurring.js';

const FIRST = new Date('2026-01-15T09:00:00.000Z');
const NOW = new Date('2027-06-01T00:00:00.000Z');
/** The start of billing month `n` of a monthly plan begun on FIRST. */
const month = (n: number) => new Date(Date.UTC(2026, n - 1, 15, 9));

const first = (over: Partial<FirstPayment> = {}): FirstPayment => ({
  occurredAt: FIRST,
  periodStart: FIRST,
  channel: Channel.AFFILIATE,
  enrollmentId: 'enr-a',
  affiliateId: 'aff-a',
  campaignId: 'camp-a',
  enrollmentStatus: 'ACTIVE',
  campaignStatus: 'ACTIVE',
  duration: CommissionDuration.MONTHS,
  durationMonths: 12,
  ...over,
});
const renew = (f: FirstPayment, n: number) => renewal(f, { occurredAt: month(n), periodStart: month(n) }, NOW);

describe('billing months, counted from the first paid period', () => {
  it('the first period is month 1, each calendar month after it one more', () => {
    expect(billingMonth(FIRST, FIRST)).toBe(1);
    expect(billingMonth(FIRST, month(2))).toBe(2);
    expect(billingMonth(FIRST, month(13))).toBe(13);
  });
  it('months are counted to the nearest whole month: 30-day cycles too, and a period half a month in is still the first', () => {
    expect(billingMonth(FIRST, new Date(FIRST.getTime() + 30 * 86_400_000))).toBe(2);
    expect(billingMonth(FIRST, new Date(FIRST.getTime() + 14 * 86_400_000))).toBe(1);
    expect(billingMonth(FIRST, new Date(FIRST.getTime() + 12 * 30 * 86_400_000))).toBe(13);
  });
  it('a plan anchored on the 31st: a shorter month ends on its last day and is the next month', () => {
    const jan31 = new Date('2026-01-31T00:00:00.000Z');
    expect(billingMonth(jan31, new Date('2026-02-28T00:00:00.000Z'))).toBe(2);
    expect(billingMonth(jan31, new Date('2026-03-31T00:00:00.000Z'))).toBe(3);
    expect(billingMonth(jan31, new Date('2026-04-30T00:00:00.000Z'))).toBe(4);
  });
  it('a yearly plan renews in month 13', () => {
    expect(billingMonth(FIRST, new Date('2027-01-15T09:00:00.000Z'))).toBe(13);
  });
});

describe("a subscription's later payments", () => {
  it("MONTHS 12: months 2..12 earn the first payment's enrollment, with their month as sequence; the 13th does not", () => {
    for (const n of [2, 12]) {
      const r = renew(first(), n);
      expect(r.credited).toEqual({ enrollmentId: 'enr-a', affiliateId: 'aff-a', campaignId: 'camp-a' });
      expect(r.sequence).toBe(n);
      expect(r.explanation).toMatchObject({ rule: 'SUBSCRIPTION', winner: { matchedBy: ['subscription'], reason: 'WON', affiliateId: 'aff-a' } });
    }
    const over = renew(first(), 13);
    expect(over.credited).toBeNull();
    expect(over.sequence).toBe(13);
    expect(over.explanation.winner).toBeNull();
    expect(over.explanation.touches).toMatchObject([{ kept: false, reason: 'DURATION_OVER' }]);
  });

  it('ONCE: no later payment earns, not even one in the first month', () => {
    const once = first({ duration: CommissionDuration.ONCE, durationMonths: null });
    expect(renew(once, 2).credited).toBeNull();
    const sameMonth = renewal(once, { occurredAt: new Date('2026-01-22T09:00:00.000Z'), periodStart: new Date('2026-01-22T09:00:00.000Z') }, NOW);
    expect(sameMonth.credited).toBeNull();
    expect(sameMonth.explanation.touches[0]!.reason).toBe('DURATION_OVER');
  });

  it('FOREVER: every payment earns, month 120 too', () => {
    const forever = first({ duration: CommissionDuration.FOREVER, durationMonths: null });
    expect(renew(forever, 120)).toMatchObject({ credited: { enrollmentId: 'enr-a' }, sequence: 120 });
  });

  it('a suspended enrollment or an archived campaign earns no more', () => {
    expect(renew(first({ enrollmentStatus: 'SUSPENDED' }), 3).explanation.touches[0]!.reason).toBe('ENROLLMENT_SUSPENDED');
    expect(renew(first({ enrollmentStatus: 'SUSPENDED' }), 3).credited).toBeNull();
    expect(renew(first({ campaignStatus: 'ARCHIVED' }), 3).explanation.touches[0]!.reason).toBe('CAMPAIGN_ARCHIVED');
    expect(renew(first({ campaignStatus: 'ARCHIVED' }), 3).credited).toBeNull();
    // Paused: earned payments are not taken away, as with clicks.
    expect(renew(first({ campaignStatus: 'PAUSED' }), 3).credited).not.toBeNull();
  });

  it('a renewal whose first payment earned no affiliate earns nothing', () => {
    for (const channel of [Channel.NONE, Channel.REFERRAL]) {
      const r = renew(first({ channel, enrollmentId: null, affiliateId: null, campaignId: null, duration: null, durationMonths: null }), 2);
      expect(r.credited).toBeNull();
      expect(r.explanation.touches).toMatchObject([{ kept: false, reason: 'FIRST_PAYMENT_NOT_ATTRIBUTED', affiliateId: null }]);
    }
  });
});
