import { registerEnumType } from 'type-graphql';
import { DomainError } from '../../errors.js';
import { PayoutAccountStatus } from './payout-account.entity.js';

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

/** What moves a batch. */
export type BatchAction = 'execute' | 'retryFailed' | 'finish' | 'discard';

/**
 * The batch state machine, in one place: each action, the states it may start from and where it
 * leads.
 *   execute:     DRAFT → EXECUTING
 *   retryFailed: COMPLETED_WITH_FAILURES → EXECUTING (its FAILED items back to PENDING)
 *   finish:      EXECUTING → COMPLETED | COMPLETED_WITH_FAILURES (no PENDING item left)
 *   discard:     DRAFT → gone (nothing was sent; its commissions and clawbacks are free again)
 * COMPLETED is final: nothing in it can be sent again.
 */
const BATCH: Record<BatchAction, { from: readonly PayoutBatchStatus[]; to: readonly PayoutBatchStatus[] }> = {
  execute: { from: [PayoutBatchStatus.DRAFT], to: [PayoutBatchStatus.EXECUTING] },
  retryFailed: { from: [PayoutBatchStatus.COMPLETED_WITH_FAILURES], to: [PayoutBatchStatus.EXECUTING] },
  finish: { from: [PayoutBatchStatus.EXECUTING], to: [PayoutBatchStatus.COMPLETED, PayoutBatchStatus.COMPLETED_WITH_FAILURES] },
  discard: { from: [PayoutBatchStatus.DRAFT], to: [] },
};
const ACTIONS = Object.keys(BATCH) as BatchAction[];

/**
 * The item state machine, in one place (items change only in set-based SQL, whose allowed source
 * statuses come from itemSourcesOf):
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

/**
 * The payout account state machine, in one place (accounts change only in set-based SQL, whose
 * allowed source statuses come from accountSourcesOf):
 *   NOT_CONNECTED → PENDING (onboarding again creates a new connected account)
 *   PENDING | ENABLED | RESTRICTED → one another (account.updated: whatever Stripe says now)
 *   PENDING | ENABLED | RESTRICTED → NOT_CONNECTED (account.application.deauthorized)
 * A disconnected account never becomes ENABLED or RESTRICTED without onboarding again.
 */
const ACCOUNT: Record<PayoutAccountStatus, readonly PayoutAccountStatus[]> = {
  [PayoutAccountStatus.NOT_CONNECTED]: [PayoutAccountStatus.PENDING],
  [PayoutAccountStatus.PENDING]: [PayoutAccountStatus.ENABLED, PayoutAccountStatus.RESTRICTED, PayoutAccountStatus.NOT_CONNECTED],
  [PayoutAccountStatus.ENABLED]: [PayoutAccountStatus.PENDING, PayoutAccountStatus.RESTRICTED, PayoutAccountStatus.NOT_CONNECTED],
  [PayoutAccountStatus.RESTRICTED]: [PayoutAccountStatus.PENDING, PayoutAccountStatus.ENABLED, PayoutAccountStatus.NOT_CONNECTED],
};

export class PayoutTransitionError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', message);
    this.name = 'PayoutTransitionError';
  }
}

export const canTransitionBatch = (from: PayoutBatchStatus, to: PayoutBatchStatus) =>
  ACTIONS.some((a) => BATCH[a].from.includes(from) && BATCH[a].to.includes(to));
export const canTransitionItem = (from: PayoutItemStatus, to: PayoutItemStatus) => ITEM[from].includes(to);
export const canBatch = (action: BatchAction, from: PayoutBatchStatus) => BATCH[action].from.includes(from);

export const canTransitionAccount = (from: PayoutAccountStatus, to: PayoutAccountStatus) => ACCOUNT[from].includes(to);
/**
 * The statuses a payout account may be in for an update that leaves it `to`: those that may move
 * there, and `to` itself (a refresh or a repeated event that changes no status, only flags).
 */
export const accountSourcesOf = (to: PayoutAccountStatus) => [
  to,
  ...(Object.keys(ACCOUNT) as PayoutAccountStatus[]).filter((from) => canTransitionAccount(from, to)),
];
/** The states an item may reach `to` from: the guard set-based SQL updates use. */
export const itemSourcesOf = (to: PayoutItemStatus) => (Object.keys(ITEM) as PayoutItemStatus[]).filter((from) => canTransitionItem(from, to));

const article = (status: string) => (/^[AEIOU]/.test(status) ? 'An' : 'A');
const VERB: Record<BatchAction, string> = { execute: 'executed', retryFailed: 'retried', finish: 'finished', discard: 'discarded' };
const HINTS: Partial<Record<PayoutBatchStatus, string>> = {
  [PayoutBatchStatus.COMPLETED]: 'every item was posted; nothing is left to send',
  [PayoutBatchStatus.COMPLETED_WITH_FAILURES]: 'use retryFailedPayoutItems to retry its FAILED items',
  [PayoutBatchStatus.EXECUTING]: 'its transfers are being sent',
};

/** Throws PayoutTransitionError (CONFLICT), saying why, unless `action` may start from the batch's status. */
export function assertBatchCan(batch: { status: PayoutBatchStatus }, action: BatchAction): void {
  if (canBatch(action, batch.status)) return;
  const hint = action === 'retryFailed' ? 'only a batch that completed with failures can be retried' : HINTS[batch.status];
  throw new PayoutTransitionError(`${article(batch.status)} ${batch.status} payout batch cannot be ${VERB[action]}${hint ? `: ${hint}` : ''}`);
}

/** Applies `action` (execute or retryFailed: one destination each), or throws PayoutTransitionError. */
export function transitionBatch<B extends { status: PayoutBatchStatus }>(batch: B, action: 'execute' | 'retryFailed'): B {
  assertBatchCan(batch, action);
  batch.status = BATCH[action].to[0]!;
  return batch;
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
