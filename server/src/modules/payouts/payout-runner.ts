import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type Stripe from 'stripe';
import type { Logger } from '../../logger.js';
import type { CommissionsService } from '../commissions/index.js';
import { formatMoney, type MailService } from '../mail/index.js';
import type { WebhookOutbox } from '../webhooks/index.js';
import { emExec } from '../../db/sql-runner.js';
import { PayoutBatchStatus, PayoutItemStatus, canTransitionBatch, finishedStatus, idempotencyKey, itemSourcesOf } from './payout-rules.js';
import { classify } from './stripe/outcome.js';
import { StripePacer } from './stripe-pacer.js';
import { pgArray } from '../../db/pg-arrays.js';

/** An item a runner holds the lease on. */
export interface ClaimedItem {
  id: string;
  merchantId: string;
  batchId: string;
  destination: string;
  currency: string;
  amountMinor: number;
  attempts: number;
  keySpent: boolean;
  transientFailures: number;
  /** An earlier claim of this attempt ended without recording any answer (its runner died, or its lease ran out). */
  abandoned: boolean;
  /**
   * This claim's own lease token: every write checks it, so a worker whose lease ran out can no
   * longer touch the item, even when a worker of the same runner has claimed it since.
   */
  lease: string;
}

/**
 * Test seams. Throwing from a hook simulates the process dying at that point: the runner
 * leaves the item exactly as the crash would (leased, nothing recorded), and the lease expiry
 * hands it to whoever resumes.
 */
export interface RunnerHooks {
  /** Just before transfers.create, after the attempt number is committed. */
  beforeTransfer?: (item: ClaimedItem, attempt: number) => void | Promise<void>;
  /** Stripe answered with the transfer; the database has not recorded it yet. */
  afterTransfer?: (item: ClaimedItem, transferId: string) => void | Promise<void>;
}

export interface RunnerOptions {
  ratePerSecond: number;
  concurrency: number;
  /** STRIPE_TIMEOUT_MS: the longest a call can take. */
  timeoutMs: number;
  leaseMarginMs: number;
  retryBaseMs: number;
  /** The longest wait between retries of one item (the backoff's cap). */
  retryMaxMs: number;
  /** Business timestamps (postedAt, completedAt); leases and backoff use PostgreSQL's clock. */
  clock: () => Date;
  log: Logger;
  /** Tells affiliates their payout was posted or failed, in the transaction that records it. */
  mail: MailService;
  /** payout.posted and payout.failed for the merchant's endpoints, in the same transaction. */
  webhooks: WebhookOutbox;
  /** The portal's payouts page, linked from those emails. */
  payoutsUrl: string;
}

class SimulatedCrash extends Error {}

const PENDING = PayoutItemStatus.PENDING;

/**
 * Sends payout items' transfers exactly once (DESIGN.md, "Exactly-once payouts"):
 * - an item is claimed with `FOR UPDATE SKIP LOCKED` and leased for one Stripe call
 *   (STRIPE_TIMEOUT_MS + a margin), so two runners, in one process or many, never send it at once;
 * - attempt n sends key `payout-item:<id>:<n>`, `transfer_group` = the item id and
 *   `metadata.payout_item_id`; n is committed before the call;
 * - no answer (timeout, reset, crash), 409 or 429: the item stays PENDING on the same attempt
 *   and is retried with the same key after a backoff, once reconciliation found no transfer
 *   (Stripe forgets keys after 24 h);
 * - 5xx: the key is spent. Next time: reconcile (list transfers by transfer_group), adopt a
 *   match as POSTED, else attempt + 1;
 * - a definite 4xx: FAILED with Stripe's code and message (key spent: a retry reconciles first);
 * - POSTED, its commissions PAID and its clawbacks applied in one transaction.
 * After a crash, leases expire and any runner resumes the EXECUTING batches (`kick()`, on start
 * and on every tick).
 */
export class PayoutRunner {
  readonly id = `runner-${randomUUID()}`;
  hooks: RunnerHooks = {};
  private readonly pacer: StripePacer;
  private readonly abort = new AbortController();
  private readonly workers = new Set<Promise<void>>();
  private kicks = 0;
  private claims = 0;
  private wake: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly stripe: Stripe,
    private readonly commissions: CommissionsService,
    private readonly opts: RunnerOptions,
  ) {
    this.pacer = new StripePacer(orm, 1000 / opts.ratePerSecond);
  }

  private get leaseMs() {
    return this.opts.timeoutMs + this.opts.leaseMarginMs;
  }

  /** Work may be waiting: start workers up to the concurrency limit. */
  kick(): void {
    if (this.closed) return;
    this.kicks++;
    while (this.workers.size < this.opts.concurrency) {
      const w: Promise<void> = this.work()
        .catch((err: unknown) => this.opts.log.error({ err }, 'payout runner: worker stopped'))
        .finally(() => {
          this.workers.delete(w);
          if (this.workers.size === 0) void this.scheduleWake();
        });
      this.workers.add(w);
    }
  }

  /** Resolves when no worker is running (tests). */
  async idle(): Promise<void> {
    while (this.workers.size) await Promise.allSettled([...this.workers]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.wake);
    this.abort.abort();
    await this.idle();
  }

  private async work(): Promise<void> {
    while (!this.closed) {
      const seen = this.kicks;
      try {
        await this.pacer.take(this.abort.signal);
      } catch (err) {
        if (this.closed) return;
        this.opts.log.error({ err }, 'payout runner: could not take a pacing slot');
        await sleep(this.opts.retryBaseMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
        continue;
      }
      let item: ClaimedItem | null;
      try {
        item = await this.claim();
      } catch (err) {
        if (this.closed) return;
        this.opts.log.error({ err }, 'payout runner: claim failed');
        await sleep(this.opts.retryBaseMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
        continue;
      }
      if (!item) {
        if (seen === this.kicks) return;
        continue; // kicked while claiming: look again
      }
      try {
        await this.process(item);
      } catch (err) {
        if (err instanceof SimulatedCrash) continue;
        if (this.closed) return; // a wait cut short by close(); the lease hands the item on
        // The database or something unexpected: leave the lease to expire; the item is retried.
        this.opts.log.error({ err, item: item.id }, 'payout runner: item processing failed');
      }
    }
  }

  /** When the earliest backoff or lease ends, kick again (the periodic tick is the backstop). */
  private async scheduleWake(): Promise<void> {
    if (this.closed) return;
    try {
      const [row] = await this.orm.em.fork().execute<{ wait_ms: string | null }[]>(
        `select extract(epoch from (min(greatest(coalesce(i.next_try_at, '-infinity'), coalesce(i.lease_until, '-infinity'))) - clock_timestamp())) * 1000 as wait_ms
           from payout_item i join payout_batch b on b.id = i.batch_id
          where i.status = ? and b.status = ?`,
        [PENDING, PayoutBatchStatus.EXECUTING],
      );
      if (row?.wait_ms == null || this.closed || this.workers.size) return;
      clearTimeout(this.wake);
      this.wake = setTimeout(() => this.kick(), Math.max(5, Math.ceil(Number(row.wait_ms)) + 5));
      this.wake.unref();
    } catch (err) {
      if (!this.closed) this.opts.log.warn({ err }, 'payout runner: could not schedule the next wake-up');
    }
  }

  /** Leases one PENDING item of an EXECUTING batch; attempt 0 becomes 1 (committed before any call). */
  private async claim(): Promise<ClaimedItem | null> {
    const lease = `${this.id}/${++this.claims}`;
    const rows = await this.orm.em.fork().execute<Record<string, string | number | boolean>[]>(
      `with next as (
         select i.id, i.lease_owner as abandoned_by from payout_item i join payout_batch b on b.id = i.batch_id
          where i.status = ? and b.status = ?
            and (i.lease_until is null or i.lease_until < clock_timestamp())
            and (i.next_try_at is null or i.next_try_at <= clock_timestamp())
          limit 1
          for update of i skip locked)
       update payout_item i
          set lease_owner = ?, lease_until = clock_timestamp() + ? * interval '1 millisecond',
              attempts = case when i.attempts = 0 then 1 else i.attempts end
         from next where i.id = next.id
       returning i.id, i.merchant_id, i.batch_id, i.destination, i.currency, i.amount_minor, i.attempts, i.key_spent, i.transient_failures,
                 next.abandoned_by is not null as abandoned`,
      [PENDING, PayoutBatchStatus.EXECUTING, lease, this.leaseMs],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: String(r.id),
      merchantId: String(r.merchant_id),
      batchId: String(r.batch_id),
      destination: String(r.destination),
      currency: String(r.currency),
      amountMinor: Number(r.amount_minor),
      attempts: Number(r.attempts),
      keySpent: Boolean(r.key_spent),
      transientFailures: Number(r.transient_failures),
      abandoned: Boolean(r.abandoned),
      lease,
    };
  }

  private async process(item: ClaimedItem): Promise<void> {
    let attempt = item.attempts;
    if (item.keySpent) {
      // The last key got a definite answer: first see whether any attempt did pay.
      if (await this.settledByReconciliation(item)) return;
      attempt = await this.nextAttempt(item);
      if (attempt === 0) return; // lost the lease
      if (!(await this.paceHolding(item))) return;
    } else if (item.transientFailures > 0 || item.abandoned) {
      // Resending a key after no answer (or after a runner died holding the item) is safe only
      // while Stripe remembers it (24 h): a server down longer would create a second transfer.
      // Look first, whatever the delay.
      if (await this.settledByReconciliation(item)) return;
      if (!(await this.paceHolding(item))) return;
    }
    await this.crashable(() => this.hooks.beforeTransfer?.(item, attempt));
    let transfer: Stripe.Transfer;
    try {
      transfer = await this.stripe.transfers.create(
        {
          amount: item.amountMinor,
          currency: item.currency.toLowerCase(),
          destination: item.destination,
          transfer_group: item.id,
          metadata: { payout_item_id: item.id, payout_batch_id: item.batchId, merchant_id: item.merchantId },
          description: `Sorae payout ${item.id}`,
        },
        { idempotencyKey: idempotencyKey(item.id, attempt) },
      );
    } catch (err) {
      const f = classify(err);
      if (f.kind === 'no_answer') return this.noAnswer(item, f.detail);
      if (f.kind === 'key_spent') return this.noAnswer(item, f.detail, true);
      return this.fail(item, f.code, f.message);
    }
    await this.crashable(() => this.hooks.afterTransfer?.(item, transfer.id));
    await this.post(item, transfer.id, attempt > 1 ? `attempt ${attempt}` : null);
  }

  /**
   * Waits for the next pacing slot while holding the item, then renews the lease for the call
   * (the wait grows with every runner sharing the rate). False: the lease ran out meanwhile and
   * another runner has the item.
   */
  private async paceHolding(item: ClaimedItem): Promise<boolean> {
    await this.pacer.take(this.abort.signal);
    const res = await this.orm.em
      .fork()
      .execute<QueryResult>(
        `update payout_item set lease_until = clock_timestamp() + ? * interval '1 millisecond' where id = ? and status = ? and lease_owner = ?`,
        [this.leaseMs, item.id, PENDING, item.lease],
        'run',
      );
    return res.affectedRows === 1;
  }

  private async crashable(hook: () => void | Promise<void> | undefined): Promise<void> {
    try {
      await hook();
    } catch (err) {
      this.opts.log.warn({ err }, 'payout runner: simulated crash');
      throw new SimulatedCrash(String(err));
    }
  }

  /**
   * Looks for a transfer an earlier attempt made: true when that settled the item for now (the
   * transfer adopted and the item POSTED, or Stripe not answering, recorded as such).
   */
  private async settledByReconciliation(item: ClaimedItem): Promise<boolean> {
    let found: Stripe.Transfer | null;
    try {
      found = await this.findTransfer(item);
    } catch (err) {
      await this.noAnswer(item, `reconciliation: ${describe(err)}`);
      return true;
    }
    if (!found) return false;
    await this.post(item, found.id, 'adopted by reconciliation');
    return true;
  }

  /**
   * A transfer any attempt of this item made: listed by transfer_group, matched by metadata
   * (both are the item's id), to whichever account it went: a retry may point the item at the
   * affiliate's new account, and an earlier attempt's transfer must still be found.
   */
  private async findTransfer(item: ClaimedItem): Promise<Stripe.Transfer | null> {
    const page = await this.stripe.transfers.list({ transfer_group: item.id, limit: 100 });
    return page.data.find((t) => t.metadata?.payout_item_id === item.id) ?? null;
  }

  /** Reconciled and nothing was paid: the next attempt, committed before its call. 0: the lease was lost. */
  private async nextAttempt(item: ClaimedItem): Promise<number> {
    const rows = await this.orm.em.fork().execute<{ attempts: number }[]>(
      `update payout_item set attempts = attempts + 1, key_spent = false, lease_until = clock_timestamp() + ? * interval '1 millisecond'
        where id = ? and status = ? and lease_owner = ? and attempts = ? and key_spent
       returning attempts`,
      [this.leaseMs, item.id, PENDING, item.lease, item.attempts],
    );
    return rows[0] ? Number(rows[0].attempts) : 0;
  }

  private async post(item: ClaimedItem, transferId: string, note: string | null): Promise<void> {
    const now = this.opts.clock();
    const posted = await this.orm.em.fork().transactional(async (tx) => {
      const res = await tx.execute<QueryResult>(
        `update payout_item set status = ?, stripe_transfer_id = ?, posted_at = ?, lease_owner = null, lease_until = null,
                next_try_at = null, failure_code = null, failure_message = null, last_error = ?
          where id = ? and status = any(?::payout_item_status[]) and lease_owner = ?`,
        [PayoutItemStatus.POSTED, transferId, now, note, item.id, pgArray(itemSourcesOf(PayoutItemStatus.POSTED)), item.lease],
        'run',
      );
      if (res.affectedRows !== 1) return false;
      await this.commissions.markPaid(tx, item.merchantId, item.id, now);
      await this.notify(tx, item, null);
      return true;
    });
    if (posted) await this.finishBatch(item.batchId);
  }

  private async fail(item: ClaimedItem, code: string, message: string): Promise<void> {
    const failed = await this.orm.em.fork().transactional(async (tx) => {
      const res = await tx.execute<QueryResult>(
        `update payout_item set status = ?, failure_code = ?, failure_message = ?, key_spent = true, lease_owner = null, lease_until = null, next_try_at = null
          where id = ? and status = any(?::payout_item_status[]) and lease_owner = ?`,
        [PayoutItemStatus.FAILED, code.slice(0, 100), message, item.id, pgArray(itemSourcesOf(PayoutItemStatus.FAILED)), item.lease],
        'run',
      );
      if (res.affectedRows !== 1) return false;
      await this.notify(tx, item, message);
      return true;
    });
    if (failed) await this.finishBatch(item.batchId);
  }

  /** The affiliate's email about the item, posted (`failure` null) or failed with Stripe's message, and the merchant's webhook event. */
  private async notify(tx: EntityManager, item: ClaimedItem, failure: string | null): Promise<void> {
    const [row] = await tx.execute<Record<string, unknown>[]>(
      `select id, batch_id as "batchId", affiliate_id as "affiliateId", status, amount_minor as "amountMinor", currency,
              stripe_transfer_id as "stripeTransferId", posted_at as "postedAt", failure_code as "failureCode", failure_message as "failureMessage"
         from payout_item where id = ?`,
      [item.id],
    );
    await this.opts.webhooks.enqueue(
      emExec(tx),
      [
        {
          merchantId: item.merchantId,
          type: failure === null ? 'payout.posted' : 'payout.failed',
          data: { payoutItem: { ...row, amountMinor: Number(row!.amountMinor) } },
        },
      ],
      this.opts.clock(),
    );
    const [affiliate] = await tx.execute<{ email: string; name: string }[]>(
      `select a.email, a.name from payout_item i join affiliate a on a.id = i.affiliate_id where i.id = ?`,
      [item.id],
    );
    const common = { merchantId: item.merchantId, to: affiliate!.email };
    const data = { name: affiliate!.name, amount: formatMoney(item.amountMinor, item.currency), portalUrl: this.opts.payoutsUrl };
    await this.opts.mail.enqueue(
      tx,
      failure === null ? { ...common, template: 'payoutPosted', data } : { ...common, template: 'payoutFailed', data: { ...data, reason: failure } },
      this.opts.clock(),
    );
  }

  /** No definite answer: same attempt (or, with `spent`, reconcile first) after a backoff. */
  private async noAnswer(item: ClaimedItem, detail: string, spent = false): Promise<void> {
    const backoff = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** Math.min(item.transientFailures, 16));
    this.opts.log.warn({ item: item.id, attempt: item.attempts, detail, spent, backoff }, 'payout runner: no definite answer; will retry');
    await this.orm.em.fork().execute(
      `update payout_item set transient_failures = transient_failures + 1, last_error = ?, key_spent = key_spent or ?,
              next_try_at = clock_timestamp() + ? * interval '1 millisecond', lease_owner = null, lease_until = null
        where id = ? and status = ? and lease_owner = ?`,
      [detail.slice(0, 1000), spent, backoff, item.id, PENDING, item.lease],
      'run',
    );
  }

  /** EXECUTING with no PENDING item left → COMPLETED or COMPLETED_WITH_FAILURES (batch row locked first). */
  async finishBatch(batchId: string): Promise<void> {
    // Cheap check first (an index probe): most items finish while others are still PENDING.
    const [open] = await this.orm.em
      .fork()
      .execute<{ pending: boolean }[]>(`select exists (select 1 from payout_item where batch_id = ? and status = ?) as pending`, [batchId, PENDING]);
    if (open?.pending) return;
    await this.orm.em.fork().transactional(async (tx) => {
      const [batch] = await tx.execute<{ status: PayoutBatchStatus }[]>(`select status from payout_batch where id = ? for update`, [batchId]);
      if (!batch) return;
      const [counts] = await tx.execute<{ pending: string; failed: string }[]>(
        `select count(*) filter (where status = ?) as pending, count(*) filter (where status = ?) as failed from payout_item where batch_id = ?`,
        [PENDING, PayoutItemStatus.FAILED, batchId],
      );
      if (Number(counts!.pending) > 0) return;
      const to = finishedStatus(Number(counts!.failed));
      // Only an EXECUTING batch finishes (the batch table): a finished or DRAFT one stays as it is.
      if (!canTransitionBatch(batch.status, to)) return;
      await tx.execute(`update payout_batch set status = ?, completed_at = ? where id = ?`, [to, this.opts.clock(), batchId], 'run');
    });
  }

  /** Batches left EXECUTING with nothing PENDING (a crash between an item's commit and this check). */
  async finishStale(): Promise<void> {
    const rows = await this.orm.em
      .fork()
      .execute<{ id: string }[]>(
        `select b.id from payout_batch b where b.status = ? and not exists (select 1 from payout_item i where i.batch_id = b.id and i.status = ?)`,
        [PayoutBatchStatus.EXECUTING, PENDING],
      );
    for (const r of rows) await this.finishBatch(r.id);
  }
}

const describe = (err: unknown) => {
  const f = classify(err);
  return f.kind === 'definite' ? `${f.code}: ${f.message}` : f.detail;
};
