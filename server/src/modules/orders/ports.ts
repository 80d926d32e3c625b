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
   * The body of a data-modifying CTE (`?` placeholders) inserting the commissions of a batch's
   * AFFILIATE conversions (any number, none included; the text is the same whatever the count):
   * only those whose conversion the CTE named `cv` wrote (column `id`), so orders, conversions
   * and commissions are written by one atomic statement.
   */
  accrualStatement(inputs: readonly AccrualInput[]): { sql: string; params: unknown[] };
  /** Inside the refund's transaction (the order row locked): adjusts the conversion's commission, if any. */
  applyRefund(
    exec: Exec,
    input: { merchantId: string; conversionId: string; orderAmountMinor: number; refundedTotalMinor: number; refundRowId: string; reason: string; now: Date },
  ): Promise<RefundOutcome['commission']>;
  /** The commission of a conversion, if any. */
  commissionOf(exec: Exec, conversionId: string): Promise<RefundOutcome['commission']>;
}

/** The clicks an order reads: TrafficService, which buffers them (see ClickWatermarks). */
export interface ServedClicks {
  /** Resolves once every click served before the call is stored; refuses (UNAVAILABLE) while that cannot be. */
  awaitServedClicks(): Promise<void>;
}
