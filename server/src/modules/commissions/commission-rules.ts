import { DomainError } from '../../errors.js';
import { applyBps } from '../../money.js';
import { CommissionType } from '../campaigns/index.js';
import { CommissionStatus } from './commission.entity.js';

/**
 * The commission state machine, in one place:
 *   PENDING → FINALIZED (hold period over, or an operator's action) → PAID (in a posted payout)
 *   PENDING → REVERSED (refunded in full before finalization)
 * FINALIZED and PAID amounts are locked: refunds after finalization become clawbacks elsewhere.
 */
const ALLOWED: Record<CommissionStatus, readonly CommissionStatus[]> = {
  [CommissionStatus.PENDING]: [CommissionStatus.FINALIZED, CommissionStatus.REVERSED],
  [CommissionStatus.FINALIZED]: [CommissionStatus.PAID],
  [CommissionStatus.REVERSED]: [],
  [CommissionStatus.PAID]: [],
};

export class CommissionTransitionError extends DomainError {
  constructor(
    readonly from: CommissionStatus,
    readonly to: CommissionStatus,
  ) {
    super('CONFLICT', `A ${from} commission cannot become ${to}`);
    this.name = 'CommissionTransitionError';
  }
}

export const canTransition = (from: CommissionStatus, to: CommissionStatus) => ALLOWED[from].includes(to);

/** The statuses from which `to` may be reached: set-based updates select exactly these. */
export const sourcesOf = (to: CommissionStatus) => (Object.keys(ALLOWED) as CommissionStatus[]).filter((from) => canTransition(from, to));

/** Moves a commission to `to`, or throws CommissionTransitionError (CONFLICT). */
export function transition<C extends { status: CommissionStatus; finalizedAt?: Date | null }>(commission: C, to: CommissionStatus, now: Date = new Date()): C {
  if (!canTransition(commission.status, to)) throw new CommissionTransitionError(commission.status, to);
  commission.status = to;
  if (to === CommissionStatus.FINALIZED) commission.finalizedAt = now;
  return commission;
}

/** Whether refunds may still change the amount (only before finalization). */
export const isAdjustable = (status: CommissionStatus) => status === CommissionStatus.PENDING;

/** Finalized or paid: the amount is locked, so a later refund becomes a clawback. */
export const isLocked = (status: CommissionStatus) => status === CommissionStatus.FINALIZED || status === CommissionStatus.PAID;

/** The campaign rule's commission on an order amount: basis points rounded half-up, or flat. */
export function commissionFor(rule: { type: CommissionType; rateBps?: number | null; amountMinor?: number | null }, orderAmountMinor: number): number {
  return rule.type === CommissionType.PERCENTAGE ? applyBps(orderAmountMinor, rule.rateBps ?? 0) : (rule.amountMinor ?? 0);
}

/**
 * The REFUND adjustment for a refund, computed from cumulative totals so the result does not
 * depend on the order refunds arrive in: the commission's total refund reduction is its
 * original amount × (refunded so far, capped at the order amount) / order amount, rounded
 * half-up; the new adjustment is what that total adds to the reductions already made. A full
 * refund (refunded so far ≥ the order amount) reduces it by exactly the original, leaving 0,
 * and never below 0. An order of 0 has nothing to share out: any refund of it (of 0: more
 * would exceed the order) is full, so it reverses a FLAT commission on that order.
 */
export function refundAdjustment(args: {
  originalAmountMinor: number;
  orderAmountMinor: number;
  refundedTotalMinor: number;
  alreadyReducedMinor: number;
}): number {
  const { originalAmountMinor: original, orderAmountMinor: order, refundedTotalMinor: refunded } = args;
  // Integer half-up of original × refunded / order, exact for amounts up to 2^31 each.
  const target = refunded >= order ? original : Number((2n * BigInt(original) * BigInt(refunded) + BigInt(order)) / (2n * BigInt(order)));
  const reduction = target - args.alreadyReducedMinor;
  return reduction > 0 ? -reduction : 0;
}
