import type { Exec } from '../../db/sql-runner.js';

/** The events a merchant may subscribe an endpoint to (the public contract's names). */
export const WEBHOOK_EVENTS = [
  'application.submitted',
  'application.approved',
  'application.rejected',
  'commission.created',
  'commission.updated',
  'payout.posted',
  'payout.failed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** One event as its owner describes it: `data` is the body's `data` (the owner's view of its row). */
export interface OutgoingEvent {
  merchantId: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/**
 * What a module that causes events asks of the webhooks module (which implements it), always
 * inside the transaction (or the one statement) of the change that causes them, so an event
 * exists exactly when its change does. Nothing is written when no enabled endpoint of the
 * merchant subscribes to the event, and nothing is sent here: the sender does that later.
 */
export interface WebhookOutbox {
  /** Events given as values: one INSERT…SELECT however many there are. */
  enqueue(exec: Exec, events: readonly OutgoingEvent[], now: Date): Promise<void>;
  /**
   * The body of a data-modifying CTE for set-based changes: one event of `type` per row of the
   * relation `source` (a CTE of the caller's statement, e.g. an UPDATE … RETURNING), whose
   * columns `merchant_id` (uuid) and `data` (json) it reads. Its text is fixed per type and
   * source, values are `?` parameters (`params`, in order).
   */
  enqueueStatement(type: WebhookEventType, source: string, now: Date): { sql: string; params: unknown[] };
}
