import type { EntityManager } from '@mikro-orm/postgresql';
import { Batcher } from '../../db/batcher.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { withConnection } from '../../db/sql-runner.js';

/** What became of one Stripe event, as `stripe_sales_event` keeps it. */
export interface SalesEventRow {
  id: string;
  merchantId: string;
  eventId: string;
  type: string;
  outcome: string;
  detail: string | null;
  orderId: string | null;
  paymentIntent: string | null;
  orderAmountMinor: number | null;
  chargedMinor: number | null;
  receivedAt: Date;
}

const SEEN_SQL = `
  select j.i from unnest(?::int[], ?::uuid[], ?::text[]) as j(i, merchant_id, event_id)
   where exists (select 1 from stripe_sales_event e where e.merchant_id = j.merchant_id and e.event_id = j.event_id)`;

/**
 * Each row once by (merchant, event id), answering the rows it inserted (a replay's is not); for
 * those, the merchant's connection is CONNECTED again (an event handled with the stored key), and
 * its last_event_at moves at most once a second otherwise (one hot row for a burst).
 */
const RECORD_SQL = `
  with x as (select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::timestamptz[])
               as x(id, merchant_id, event_id, type, outcome, detail, order_id, payment_intent, order_amount_minor, charged_minor, received_at)),
  ev as (insert into stripe_sales_event (id, merchant_id, event_id, type, outcome, detail, order_id, payment_intent, order_amount_minor, charged_minor, received_at)
         select * from x on conflict (merchant_id, event_id) do nothing returning id, merchant_id, received_at),
  last as (select merchant_id, max(received_at) as at from ev group by merchant_id),
  account as (update stripe_sales_account a set last_event_at = greatest(a.last_event_at, last.at), status = 'CONNECTED', last_error = null from last
   where a.merchant_id = last.merchant_id and (a.status <> 'CONNECTED' or a.last_event_at is null or a.last_event_at < last.at - interval '1 second'))
  select id from ev`;

/** Events per statement, and statements at once (each holds a pooled connection). */
const BATCH = { maxBatch: 200, concurrency: 2 };

/**
 * The Stripe events handled, group-committed like orders (see OrderIngestion): a burst of
 * renewals (every subscription paid on the first of the month) asks whether its events were
 * seen, and records them, in one statement per batch instead of one per event. An idle server
 * runs each at once.
 */
export class SalesEventLog {
  private readonly lookups = new Batcher<{ em: EntityManager; merchantId: string; eventId: string }, boolean>(
    (jobs) =>
      withConnection(jobs[0]!.em, async (exec) => {
        const seen = new Set(
          (
            await exec<{ i: number }>(SEEN_SQL, [
              pgArray(jobs.map((_, i) => i)),
              pgArray(jobs.map((j) => j.merchantId)),
              pgTextArray(jobs.map((j) => j.eventId)),
            ])
          ).map((r) => r.i),
        );
        return jobs.map((_, i) => ({ status: 'fulfilled', value: seen.has(i) }) as const);
      }),
    BATCH,
  );

  private readonly records = new Batcher<{ em: EntityManager; row: SalesEventRow }, boolean>(
    (jobs) =>
      withConnection(jobs[0]!.em, async (exec) => {
        const col = (f: (r: SalesEventRow) => string | number | null) => pgTextArray(jobs.map(({ row }) => (f(row) === null ? null : String(f(row)))));
        const inserted = await exec<{ id: string }>(RECORD_SQL, [
          col((r) => r.id),
          col((r) => r.merchantId),
          col((r) => r.eventId),
          col((r) => r.type),
          col((r) => r.outcome),
          col((r) => r.detail),
          col((r) => r.orderId),
          col((r) => r.paymentIntent),
          col((r) => r.orderAmountMinor),
          col((r) => r.chargedMinor),
          col((r) => r.receivedAt.toISOString()),
        ]);
        const first = new Set(inserted.map((r) => r.id));
        return jobs.map(({ row }) => ({ status: 'fulfilled', value: first.has(row.id) }) as const);
      }),
    BATCH,
  );

  /** Whether the merchant's event was handled before. */
  seen(em: EntityManager, merchantId: string, eventId: string): Promise<boolean> {
    return this.lookups.submit({ em, merchantId, eventId });
  }

  /**
   * Records a handled event; whether this delivery was its first (a replay, or one recorded
   * meanwhile by a racing delivery, keeps the first record and is not).
   */
  record(em: EntityManager, row: SalesEventRow): Promise<boolean> {
    return this.records.submit({ em, row });
  }
}
