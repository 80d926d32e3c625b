import { registerEnumType } from 'type-graphql';
import { DomainError } from '../../errors.js';

export enum PayoutBatchStatus {
  DRAFT = 'DRAFT',
  EXECUTING = 'EXECUTING',
  COMPLETED = 'COMPLETED',
  COMPLETED_WITH_FAILURES = 'COMPLETED_WITH_FAILURES',
}
registerEnumType(PayoutBatchStatus, { name: 'PayoutBatchStatus' });

export enum PayoutItemStatus {
  PENDING = 'PENDING',
  POSTED = 'POSTED',
  FAILED = 'FAILED',
}
registerEnumType(PayoutItemStatus, { name: 'PayoutItemStatus' });

/**
 * The batch state machine, in one place:
 *   DRAFT → EXECUTING (executePayoutBatch) → COMPLETED | COMPLETED_WITH_FAILURES (no PENDING item left)
 *   COMPLETED_WITH_FAILURES → EXECUTING (retryFailedPayoutItems)
 * COMPLETED is final: nothing in it can be sent again.
 */
const BATCH: Record<PayoutBatchStatus, readonly PayoutBatchStatus[]> = {
  [PayoutBatchStatus.DRAFT]: [PayoutBatchStatus.EXECUTING],
  [PayoutBatchStatus.EXECUTING]: [PayoutBatchStatus.COMPLETED, PayoutBatchStatus.COMPLETED_WITH_FAILURES],
  [PayoutBatchStatus.COMPLETED_WITH_FAILURES]: [PayoutBatchStatus.EXECUTING],
  [PayoutBatchStatus.COMPLETED]: [],
};

/**
 * The item state machine, in one place:
 *   PENDING → POSTED (a transfer exists: created, replayed or adopted by reconciliation)
 *   PENDING → FAILED (a definite Stripe error)
 *   FAILED → PENDING (retryFailedPayoutItems: reconciled first, then a new attempt)
 * POSTED is final.
 */
const ITEM: Record<PayoutItemStatus, readonly PayoutItemStatus[]> = {
  [PayoutItemStatus.PENDING]: [PayoutItemStatus.POSTED, PayoutItemStatus.FAILED],
  [PayoutItemStatus.FAILED]: [PayoutItemStatus.PENDING],
  [PayoutItemStatus.POSTED]: [],
};

export class PayoutTransitionError extends DomainError {
  constructor(kind: 'batch' | 'item', from: string, to: string, hint?: string) {
    super('CONFLICT', `A ${from} payout ${kind} cannot become ${to}${hint ? `: ${hint}` : ''}`);
    this.name = 'PayoutTransitionError';
  }
}

export const canTransitionBatch = (from: PayoutBatchStatus, to: PayoutBatchStatus) => BATCH[from].includes(to);
export const canTransitionItem = (from: PayoutItemStatus, to: PayoutItemStatus) => ITEM[from].includes(to);

/** The states a batch may reach `to` from: the guard set-based SQL updates use. */
export const batchSourcesOf = (to: PayoutBatchStatus) =>
  (Object.keys(BATCH) as PayoutBatchStatus[]).filter((from) => BATCH[from].includes(to));
/** The states an item may reach `to` from: the guard set-based SQL updates use. */
export const itemSourcesOf = (to: PayoutItemStatus) =>
  (Object.keys(ITEM) as PayoutItemStatus[]).filter((from) => ITEM[from].includes(to));

const HINTS: Partial<Record<PayoutBatchStatus, string>> = {
  [PayoutBatchStatus.COMPLETED]: 'every item was posted; nothing is left to send',
  [PayoutBatchStatus.COMPLETED_WITH_FAILURES]: 'use retryFailedPayoutItems to retry its FAILED items',
};

/** Moves a batch to `to`, or throws PayoutTransitionError (CONFLICT). */
export function transitionBatch<B extends { status: PayoutBatchStatus }>(batch: B, to: PayoutBatchStatus): B {
  if (!canTransitionBatch(batch.status, to)) throw new PayoutTransitionError('batch', batch.status, to, HINTS[batch.status]);
  batch.status = to;
  return batch;
}

/** Moves an item to `to`, or throws PayoutTransitionError (CONFLICT). */
export function transitionItem<I extends { status: PayoutItemStatus }>(item: I, to: PayoutItemStatus): I {
  if (!canTransitionItem(item.status, to)) throw new PayoutTransitionError('item', item.status, to);
  item.status = to;
  return item;
}

/** What a finished batch is called: any FAILED item makes it COMPLETED_WITH_FAILURES. */
export const finishedStatus = (failed: number) => (failed > 0 ? PayoutBatchStatus.COMPLETED_WITH_FAILURES : PayoutBatchStatus.COMPLETED);

/** `payout-item:<itemId>:<attempt>`: one idempotency key per attempt (DESIGN.md, Exactly-once payouts). */
export const idempotencyKey = (itemId: string, attempt: number) => `payout-item:${itemId}:${attempt}`;

/** "2026-11": the month a batch pays for. */
export const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The period before the one `now` falls in (UTC): what the monthly schedule pays. */
export function previousPeriod(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The first instant after a period: scheduled batches take commissions finalized before it. */
export function periodEnd(period: string): Date {
  const m = PERIOD.exec(period);
  if (!m) throw new Error(`not a period: ${period}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
}
