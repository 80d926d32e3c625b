import type { CommissionType } from '../campaigns/index.js';
import type { Exec } from '../../db/sql-runner.js';
import type { RefundOutcome } from './order-input.js';

/** What attribution hands the commissions module (which implements it): commissions → attribution. */
export interface AccrualInput {
  id: string;
  /** The conversion it is for, written by the same statement. */
  conversionId: string;
  merchantId: string;
  enrollmentId: string;
  affiliateId: string;
  campaignId: string;
  currency: string;
  orderAmountMinor: number;
  rule: { type: CommissionType; rateBps: number | null; amountMinor: number | null };
  now: Date;
}

/**
 * What attribution asks of the commissions module, which implements it (the import arrow runs
 * commissions → attribution; services.ts wires the two).
 */
export interface CommissionAccrual {
  /**
   * The body of a data-modifying CTE (`?` placeholders) inserting the commissions of a batch's
   * AFFILIATE conversions (any number, none included; the text is the same whatever the count):
   * only those whose conversion the CTE named `cv` wrote (column `id`), so orders, conversions
   * and commissions are written by one atomic statement.
   */
  accrualStatement(inputs: readonly AccrualInput[]): { sql: string; params: unknown[] };
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
   * The body of a data-modifying CTE (`?` placeholders, the same text whatever the count) adding
   * a batch's AFFILIATE conversions to the figures: only those the CTE named `cv` wrote (column
   * `id`), so the figures and the conversions are written by one atomic statement.
   */
  conversionsStatement(inputs: readonly ConversionFigures[]): { sql: string; params: unknown[] };
  /** Inside the refund's transaction: the refund and the commission it took back. */
  refundRecorded(exec: Exec, refund: RefundFigures): Promise<void>;
}

/** The clicks an order reads: TrafficService, which buffers them (see ClickWatermarks). */
export interface ServedClicks {
  /** Resolves once every click served before the call is stored; refuses (UNAVAILABLE) while that cannot be. */
  awaitServedClicks(): Promise<void>;
}
