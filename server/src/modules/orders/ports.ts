import type { ApplicationsService } from '../applications/index.js';
import type { CampaignsService, CommissionType } from '../campaigns/index.js';
import type { TrafficService } from '../tracking/index.js';
import type { Exec, StatementPart } from '../../db/sql-runner.js';
import type { RefundOutcome } from './order-input.js';

/** What attribution hands the commissions module (which implements it): commissions → attribution. */
export interface AccrualInput {
  id: string;
  /** The conversion it is for, written in the same transaction just before. */
  conversionId: string;
  merchantId: string;
  enrollmentId: string;
  affiliateId: string;
  campaignId: string;
  currency: string;
  orderAmountMinor: number;
  rule: { type: CommissionType; rateBps: number | null; amountMinor: number | null };
  /** A subscription's payment: its id, and its place in the chain (1 for the first payment; see recurring.ts). */
  subscriptionId: string | null;
  sequence: number;
  now: Date;
}

/**
 * What attribution asks of the commissions module, which implements it (the import arrow runs
 * commissions → attribution; services.ts wires the two).
 */
export interface CommissionAccrual {
  /**
   * The commissions of a batch's AFFILIATE conversions (any number, at least one), as CTEs of
   * the statement that writes those conversions: only the accruals whose conversion is in the
   * relation `written` (a CTE of that statement, column `id`) are written, so a commission
   * exists exactly when its conversion does.
   */
  accrual(inputs: readonly AccrualInput[], written: string): StatementPart;
  /** The commission an accrual writes (its campaign's rule applied to the order amount). */
  amountOf(input: AccrualInput): number;
  /** Inside the refund's transaction (the order row locked): adjusts the conversion's commission, if any. */
  applyRefund(
    exec: Exec,
    input: { merchantId: string; conversionId: string; orderAmountMinor: number; refundedTotalMinor: number; refundRowId: string; reason: string; now: Date },
  ): Promise<{ commission: RefundOutcome['commission']; reductionMinor: number }>;
  /** The commission of a conversion, if any. */
  commissionOf(exec: Exec, conversionId: string): Promise<RefundOutcome['commission']>;
}

/**
 * What attribution reads of the modules below it, each through the owner's port (services.ts
 * wires them): tracking's clicks (TrafficService buffers them: see ClickWatermarks),
 * applications' enrollment statuses and promotion codes, campaigns' terms (with their
 * commission durations).
 */
export interface AttributionSources {
  clicks: Pick<TrafficService, 'awaitServedClicks' | 'candidateClicks'>;
  enrollments: Pick<ApplicationsService, 'enrollmentStatuses' | 'promotionCodeEnrollments'>;
  campaigns: Pick<CampaignsService, 'attributionTerms'>;
}

/** An AFFILIATE conversion as the figures count it: on its order's day, with its accrued commission. */
export interface ConversionFigures {
  conversionId: string;
  merchantId: string;
  campaignId: string;
  enrollmentId: string;
  affiliateId: string;
  occurredAt: Date;
  amountMinor: number;
  commissionMinor: number;
}

/** A refund of an AFFILIATE conversion as the figures count it: on the refund's day, with the commission it took back. */
export interface RefundFigures {
  merchantId: string;
  campaignId: string;
  enrollmentId: string;
  affiliateId: string;
  occurredAt: Date;
  /** The refund (positive; the figures subtract it). */
  amountMinor: number;
  /** The commission reduction it caused, an adjustment or a clawback (zero or negative). */
  commissionMinor: number;
}

/**
 * What orders asks of whoever keeps figures over conversions (the analytics module implements
 * it; services.ts wires it), in the transaction that writes them.
 */
export interface ConversionRollup {
  /**
   * A batch's AFFILIATE conversions (at least one) and their commissions, as CTEs of the
   * statement that writes them: only those in the relation `written` (a CTE of that statement,
   * column `id`) count.
   */
  conversionsRecorded(conversions: readonly ConversionFigures[], written: string): StatementPart;
  /** Inside the refund's transaction: the refund and the commission it took back. */
  refundRecorded(exec: Exec, refund: RefundFigures): Promise<void>;
}
