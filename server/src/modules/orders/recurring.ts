/**
 * Recurring commissions: a subscription's later payments follow its first one. Pure rules (no
 * I/O, no clock of their own); order ingestion looks up the first payment and writes the result.
 *
 * - The first paid order of a subscription (the earliest billing period recorded) is attributed
 *   like any order and is payment 1 of the chain.
 * - A later payment earns the enrollment the first one was attributed to, without a new touch,
 *   while the campaign's duration lasts: ONCE (the first payment only), MONTHS (billing months
 *   1..durationMonths, counted from the first payment's period), FOREVER. A suspended
 *   enrollment or an archived campaign earns no more; a first payment that earned no affiliate
 *   leaves the whole subscription unattributed.
 * - The commission's `sequence` is the payment's billing month counted from the first (1 for the
 *   first payment): for a monthly plan, the invoice's number.
 */
import { CommissionDuration } from '../campaigns/index.js';
import { Channel } from '../tracking/index.js';
import type { AttributionExplanation, ExplainedTouch, TouchReason } from './attribution.engine.js';

/** The subscription's first paid order as recorded, what it was attributed to, and that enrollment and campaign now. */
export interface FirstPayment {
  occurredAt: Date;
  periodStart: Date;
  channel: Channel;
  enrollmentId: string | null;
  affiliateId: string | null;
  campaignId: string | null;
  /** ACTIVE or SUSPENDED; null when the enrollment is gone. */
  enrollmentStatus: string | null;
  campaignStatus: string | null;
  duration: CommissionDuration | null;
  durationMonths: number | null;
}

export interface RenewalDecision {
  /** The first payment's enrollment, when this payment earns it a commission. */
  credited: { enrollmentId: string; affiliateId: string; campaignId: string } | null;
  sequence: number;
  explanation: AttributionExplanation;
}

/** The mean length of a month (a Gregorian year / 12), in milliseconds. */
const MONTH_MS = (365.2425 / 12) * 86_400_000;

/**
 * The billing month of `periodStart` counted from `firstPeriodStart` (1 for the first month):
 * the months elapsed, to the nearest whole month. Calendar-month billing (Jan 31 → Feb 28 →
 * Mar 31) and 30-day cycles land on the same months, and a yearly plan's renewal on month 13.
 */
export function billingMonth(firstPeriodStart: Date, periodStart: Date): number {
  return Math.max(Math.round((periodStart.getTime() - firstPeriodStart.getTime()) / MONTH_MS), 0) + 1;
}

/** Why a later payment earns nothing, or null when it earns. */
function renewalVerdict(first: FirstPayment, month: number): TouchReason | null {
  if (first.channel !== Channel.AFFILIATE || !first.enrollmentId) return 'FIRST_PAYMENT_NOT_ATTRIBUTED';
  if (!first.enrollmentStatus) return 'UNKNOWN_ENROLLMENT';
  if (first.enrollmentStatus !== 'ACTIVE') return 'ENROLLMENT_SUSPENDED';
  if (first.campaignStatus === 'ARCHIVED') return 'CAMPAIGN_ARCHIVED';
  if (first.duration === CommissionDuration.FOREVER) return null;
  if (first.duration === CommissionDuration.MONTHS && month <= (first.durationMonths ?? 0)) return null;
  return 'DURATION_OVER';
}

/** A later payment of a subscription (its period starts at `periodStart`, after the first's). */
export function renewal(first: FirstPayment, order: { occurredAt: Date; periodStart: Date }, now: Date): RenewalDecision {
  const sequence = billingMonth(first.periodStart, order.periodStart);
  const dropped = renewalVerdict(first, sequence);
  const touch: ExplainedTouch = {
    channel: Channel.AFFILIATE,
    clickId: null,
    referralCode: null,
    occurredAt: first.occurredAt.toISOString(),
    affiliateId: first.affiliateId,
    campaignId: first.campaignId,
    enrollmentId: first.enrollmentId,
    matchedBy: ['subscription'],
    kept: dropped === null,
    reason: dropped ?? 'WON',
  };
  return {
    credited: dropped === null ? { enrollmentId: first.enrollmentId!, affiliateId: first.affiliateId!, campaignId: first.campaignId! } : null,
    sequence,
    explanation: {
      rule: 'SUBSCRIPTION',
      orderOccurredAt: order.occurredAt.toISOString(),
      evaluatedAt: now.toISOString(),
      orderAheadOfClock: order.occurredAt.getTime() > now.getTime(),
      winner: dropped === null ? { ...touch } : null,
      touches: [touch],
    },
  };
}
