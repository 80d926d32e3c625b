import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_AMOUNT_MINOR, isCurrency } from '../../money.js';
import type { Channel } from '../tracking/index.js';

/** What a store may send: orders, refunds and their webhook events, validated; and what each is answered. */

const storeId = z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters');
const optionalId = z
  .string()
  .trim()
  .max(200, 'must be at most 200 characters')
  .nullish()
  .transform((v) => v || null);
const timestamp = z
  .union([z.date(), z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' })])
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date-time')
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'must fall between the years 1 and 9999');
const amount = (min: number) =>
  z
    .number({ message: 'must be a number' })
    .int('must be a whole number of minor units')
    .min(min, min === 0 ? 'must not be negative' : `must be at least ${min}`)
    .max(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR}`);

export const orderSchema = z.object({
  id: storeId,
  amountMinor: amount(0),
  currency: z
    .string({ message: 'must be a string' })
    .transform((c) => c.toUpperCase())
    .refine(isCurrency, 'must be an ISO 4217 currency code such as USD'),
  occurredAt: timestamp,
  clickId: optionalId,
  visitorId: optionalId,
  referralCode: z
    .string()
    .trim()
    .max(64, 'must be at most 64 characters')
    .nullish()
    .transform((v) => (v ? v.toUpperCase() : null)),
  customerId: optionalId,
  // Left out of the validated order when absent (not null), so events recorded before these
  // fields existed hash as they did (see eventHash).
  /** A coupon or promotion code used at checkout: an enrollment's promotion code credits it (ignoring case). */
  couponCode: z
    .string()
    .trim()
    .max(64, 'must be at most 64 characters')
    .nullish()
    .transform((v) => v || undefined),
  /** A subscription's payment: later ones earn the enrollment its first one was attributed to (recurring.ts). */
  subscription: z
    .object({ id: storeId, periodStart: timestamp })
    .nullish()
    .transform((v) => v ?? undefined),
});

export const refundSchema = z.object({
  orderId: storeId,
  id: storeId,
  // 0 only for an order of 0 (its full refund): checked against the order.
  amountMinor: amount(0),
  occurredAt: timestamp,
});

const eventId = z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters');
export const webhookSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ id: eventId, type: z.literal('order.created'), order: orderSchema }),
    z.object({
      id: eventId,
      type: z.literal('order.refunded'),
      order: z.object({ id: storeId }),
      refund: refundSchema.omit({ orderId: true }),
    }),
  ],
  { message: 'must be order.created or order.refunded' },
);

export type OrderInput = z.output<typeof orderSchema>;
export type RefundInput = z.output<typeof refundSchema>;

export interface ConversionSummary {
  id: string;
  channel: Channel;
  commissionId: string | null;
}

export interface OrderOutcome {
  conversion: ConversionSummary;
}

export interface RefundOutcome {
  conversion: ConversionSummary;
  refund: { id: string };
  commission: { id: string; amountMinor: number; status: string } | null;
}

/** A delivered webhook event: its id, its type and the hash of its body (see eventHash). */
export interface EventRef {
  id: string;
  type: string;
  hash: string;
}

/**
 * The hash an event id is bound to: SHA-256 of the validated event serialized again (fields in
 * the schema's order, values normalized: trimmed ids, upper-case currency, UTC times, unknown
 * fields dropped), not of the raw bytes. A byte-identical retry matches, and so does a store
 * that serializes the same event again with other spacing or key order; anything that changes
 * what is recorded (type, amount, ids, times) does not.
 */
export const eventHash = (event: z.output<typeof webhookSchema>) => createHash('sha256').update(JSON.stringify(event)).digest('hex');

export const json = (v: unknown) => JSON.stringify(v);
