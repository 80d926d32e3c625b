import type { EntityManager } from '@mikro-orm/postgresql';
import { Batcher } from '../../db/batcher.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { chargeQueriesTo } from '../../db/query-counter.js';
import { withConnection } from '../../db/sql-runner.js';
import { uuidv7 } from '../../ids.js';
import type { Logger } from '../../logger.js';

/** An order webhook as the merchant's log records it, once it is answered. */
export interface DeliveryRecord {
  merchantId: string;
  receivedAt: Date;
  eventId: string | null;
  status: 'ACCEPTED' | 'REFUSED';
  httpStatus: number;
  error: string | null;
}

const INSERT_SQL = `
  insert into order_webhook_delivery (id, merchant_id, received_at, event_id, status, http_status, error)
  select * from unnest(?::uuid[], ?::uuid[], ?::timestamptz[], ?::text[], ?::text[], ?::int[], ?::text[])`;

/** Deliveries written per statement. */
const LOG_BATCH_MAX = 1000;

/**
 * The merchants' order-webhook logs, written after each answer and group-committed: deliveries
 * answered while one group is being written go together in the next, one prepared statement
 * for any number (a statement per delivery cost a quarter of PostgreSQL's time per order). The
 * store never waits for the log; a group that cannot be written is logged, never turned into a
 * refusal.
 */
export class DeliveryLog {
  private readonly writer = new Batcher<DeliveryRecord, void>((rows) => this.write(rows), { maxBatch: LOG_BATCH_MAX, concurrency: 1 });
  /** Settles once everything recorded so far is written (one group at a time, in order). */
  private written: Promise<void> = Promise.resolve();

  constructor(
    private readonly em: () => EntityManager,
    private readonly log: Logger,
  ) {}

  record(delivery: DeliveryRecord): void {
    this.written = this.writer.submit(delivery);
  }

  /** Writes what is recorded: on shutdown, once every request is answered and before the database closes. */
  close(): Promise<void> {
    return this.written;
  }

  private async write(rows: DeliveryRecord[]): Promise<PromiseSettledResult<void>[]> {
    try {
      // The requests were answered before: the statement is charged to none of them.
      await chargeQueriesTo([], () =>
        withConnection(this.em(), (exec) =>
          exec(INSERT_SQL, [
            pgArray(rows.map(() => uuidv7())),
            pgArray(rows.map((r) => r.merchantId)),
            pgArray(rows.map((r) => r.receivedAt.toISOString())),
            pgTextArray(rows.map((r) => r.eventId)),
            pgArray(rows.map((r) => r.status)),
            pgArray(rows.map((r) => r.httpStatus)),
            pgTextArray(rows.map((r) => r.error?.slice(0, 1000) ?? null)),
          ]),
        ),
      );
    } catch (e) {
      this.log.warn({ err: e instanceof Error ? e.message : String(e), deliveries: rows.length }, 'order webhooks: could not log deliveries');
    }
    return rows.map(() => ({ status: 'fulfilled', value: undefined }));
  }
}
