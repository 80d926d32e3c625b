import type { EntityManager } from '@mikro-orm/postgresql';
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
 * The merchants' order-webhook logs, written after each answer and group-committed: the
 * deliveries answered in one turn of the event loop (a batch of orders is answered at once), or
 * while the previous group was being written, go together in one prepared statement (a
 * statement per delivery cost a quarter of PostgreSQL's time per order). The store never waits
 * for the log; a group that cannot be written is logged, never turned into a refusal.
 */
export class DeliveryLog {
  private queue: DeliveryRecord[] = [];
  /** Set while groups are being written; settles once the queue is empty. */
  private writing: Promise<void> | undefined;

  constructor(
    private readonly em: () => EntityManager,
    private readonly log: Logger,
  ) {}

  record(delivery: DeliveryRecord): void {
    this.queue.push(delivery);
    this.writing ??= this.writeQueued();
  }

  /** Writes what is recorded: on shutdown, once every request is answered and before the database closes. */
  async close(): Promise<void> {
    await this.writing;
  }

  private async writeQueued(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length) await this.write(this.queue.splice(0, LOG_BATCH_MAX));
    this.writing = undefined;
  }

  private async write(rows: DeliveryRecord[]): Promise<void> {
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
  }
}
