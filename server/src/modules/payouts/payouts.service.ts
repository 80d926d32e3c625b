import { LockMode } from '@mikro-orm/core';
import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { DomainError, badInput, conflict, parseInput } from '../../errors.js';
import { paginate, paginateQuery, type PageRequest } from '../../db/pagination.js';
import { isUuid, uuidv7 } from '../../ids.js';
import type { Logger } from '../../logger.js';
import type { CommissionsService } from '../commissions/commissions.service.js';
import { TENANT } from '../tenancy.js';
import { PayoutAccountStatus } from './payout-account.entity.js';
import { PayoutAccountsService } from './payout-accounts.service.js';
import { PayoutBatch, PayoutItem, PayoutSkipReason, type SkippedRow } from './payout-batch.entity.js';
import { PayoutRunner } from './payout-runner.js';
import { PERIOD, PayoutBatchStatus, PayoutItemStatus, assertBatchCan, itemSourcesOf, periodEnd, previousPeriod, transitionBatch } from './payout-rules.js';
import type { StripeConnection } from './stripe/stripe-client.js';
import { pgArray } from '../../db/pg-arrays.js';
import { minorFromDb } from '../../money.js';

const createSchema = z.object({
  campaignId: z.string().refine(isUuid, 'is not a campaign id'),
  period: z.string().regex(PERIOD, 'must be a month like 2026-11'),
});

export interface Progress {
  pending: number;
  posted: number;
  failed: number;
}


/**
 * Payout batches: set-based creation (one item per affiliate and currency over FINALIZED,
 * unattached commissions minus unnetted clawbacks), execution and retries through the
 * runner, the monthly schedule, and Stripe's webhooks.
 */
export class PayoutsService {
  readonly accounts: PayoutAccountsService;
  readonly runner: PayoutRunner;
  private clock: () => Date = () => new Date();
  private ticker: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly config: Config,
    private readonly orm: MikroORM,
    readonly stripe: StripeConnection,
    private readonly commissions: CommissionsService,
    private readonly log: Logger,
  ) {
    this.accounts = new PayoutAccountsService(stripe.stripe, config.publicUrl, log);
    this.runner = this.newRunner();
  }

  /** A runner over the same database and Stripe (the app has one; tests start a second to race it). */
  newRunner(): PayoutRunner {
    const p = this.config.payouts;
    return new PayoutRunner(this.orm, this.stripe.stripe, this.commissions, {
      ratePerSecond: p.ratePerSecond,
      concurrency: p.concurrency,
      timeoutMs: this.config.stripe.timeoutMs,
      leaseMarginMs: p.leaseMarginMs,
      retryBaseMs: p.retryBaseMs,
      retryMaxMs: p.retryMaxMs,
      clock: () => this.clock(),
      log: this.log,
    });
  }

  /** Background work: resume EXECUTING batches now, then on every tick, with the monthly schedule. */
  start(clock: () => Date): void {
    this.clock = clock;
    const tick = () => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    };
    tick();
    this.ticker = setInterval(tick, this.config.payouts.tickMs);
    this.ticker.unref();
  }

  async tick(): Promise<void> {
    try {
      this.runner.kick();
      await this.runner.finishStale();
      await this.runSchedule(this.clock());
    } catch (err) {
      this.log.error({ err }, 'payouts: tick failed');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    await this.ticking;
    await this.runner.close();
  }

  // ---- Batches ----

  async createBatch(em: EntityManager, merchantId: string, input: { campaignId: string; period: string }, now: Date): Promise<PayoutBatch> {
    const { campaignId, period } = parseInput(createSchema, input);
    const id = await em.transactional((tx) => this.buildBatch(tx, merchantId, campaignId, period, now, null));
    if (!id) {
      throw badInput('Nothing to pay: the campaign has no finalized commissions that are not already in a payout', {
        campaignId: 'has no finalized, unpaid commissions',
      });
    }
    return em.findOneOrFail(PayoutBatch, { id, merchant: merchantId });
  }

  /**
   * In the caller's transaction, with the campaign row locked (one builder per campaign at a
   * time). Returns the batch id, or null when there is nothing at all (no item, nobody skipped).
   */
  private async buildBatch(tx: EntityManager, merchantId: string, campaignId: string, period: string, now: Date, cutoff: Date | null): Promise<string | null> {
    const [campaign] = await tx.execute<{ currency: string; min_payout_minor: string }[]>(
      // NO KEY: builders (and discards) exclude each other without blocking orders' foreign keys.
      `select currency, min_payout_minor from campaign where id = ? and merchant_id = ? for no key update`,
      [campaignId, merchantId],
    );
    if (!campaign) throw new DomainError('NOT_FOUND', 'Campaign not found', { campaignId: 'no such campaign' });
    const minPayout = Number(campaign.min_payout_minor);

    const payable = this.commissions.payableCommissions(merchantId, campaignId, cutoff);
    const unattached = `select p.* from (${payable.sql}) p where not exists (select 1 from payout_item_commission l where l.commission_id = p.id)`;
    const gross = await tx.execute<{ affiliate_id: string; currency: string; total: string }[]>(
      `select affiliate_id, currency, sum(amount_minor) as total from (${unattached}) u group by affiliate_id, currency`,
      payable.params,
    );
    const claws = await this.commissions.unnettedClawbacks(tx, merchantId, campaignId, cutoff);
    const sums = new Map<string, { affiliateId: string; currency: string; gross: number; clawback: number }>();
    const entry = (affiliateId: string, currency: string) => {
      const key = `${affiliateId}|${currency}`;
      let e = sums.get(key);
      if (!e) sums.set(key, (e = { affiliateId, currency, gross: 0, clawback: 0 }));
      return e;
    };
    for (const g of gross) entry(g.affiliate_id, g.currency).gross += minorFromDb(g.total);
    for (const c of claws) entry(c.affiliateId, c.currency).clawback += c.totalMinor;
    if (sums.size === 0) return null;

    const affiliateIds = [...new Set([...sums.values()].map((s) => s.affiliateId))];
    const accounts = await tx.execute<{ affiliate_id: string; stripe_account_id: string }[]>(
      `select affiliate_id, stripe_account_id from payout_account
        where merchant_id = ? and affiliate_id = any(?::uuid[]) and status = ? and payouts_enabled and transfers_active and deauthorized_at is null`,
      [merchantId, pgArray(affiliateIds), PayoutAccountStatus.ENABLED],
    );
    const destination = new Map(accounts.map((a) => [a.affiliate_id, a.stripe_account_id]));

    const items: { id: string; affiliateId: string; currency: string; destination: string; gross: number; clawback: number }[] = [];
    const skipped: SkippedRow[] = [];
    for (const s of [...sums.values()].sort((a, b) => a.affiliateId.localeCompare(b.affiliateId))) {
      const net = s.gross + s.clawback;
      const skip = (reason: PayoutSkipReason) => skipped.push({ affiliateId: s.affiliateId, amountMinor: net, currency: s.currency, reason });
      const dest = destination.get(s.affiliateId);
      if (net <= 0) skip(PayoutSkipReason.NET_NOT_POSITIVE);
      else if (net < minPayout) skip(PayoutSkipReason.BELOW_MINIMUM);
      else if (!dest) skip(PayoutSkipReason.PAYOUT_ACCOUNT_NOT_READY);
      else items.push({ id: uuidv7(), affiliateId: s.affiliateId, currency: s.currency, destination: dest, gross: s.gross, clawback: s.clawback });
    }

    const batchId = uuidv7();
    await tx.execute(
      `insert into payout_batch (id, merchant_id, campaign_id, period, status, currency, total_minor, skipped, scheduled, created_at)
       values (?, ?, ?, ?, ?, ?, 0, ?::jsonb, ?, ?)`,
      [batchId, merchantId, campaignId, period, PayoutBatchStatus.DRAFT, campaign.currency, JSON.stringify(skipped), cutoff !== null, now],
      'run',
    );
    if (items.length) {
      const col = <K extends keyof (typeof items)[number]>(k: K) => pgArray(items.map((i) => String(i[k])));
      const x = `unnest(?::uuid[], ?::uuid[], ?::text[]) as x(item_id, affiliate_id, currency)`;
      await tx.execute(
        `insert into payout_item (id, merchant_id, batch_id, affiliate_id, destination, currency, gross_minor, clawback_minor, amount_minor, status, attempts,
                                  key_spent, transient_failures, transfer_reversed, transfer_reversed_minor, created_at)
         select x.id, ?, ?, x.affiliate_id, x.destination, x.currency, x.gross, x.clawback, x.gross + x.clawback, ?, 0, false, 0, false, 0, ?
           from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::bigint[], ?::bigint[]) as x(id, affiliate_id, destination, currency, gross, clawback)`,
        [merchantId, batchId, PayoutItemStatus.PENDING, now, col('id'), col('affiliateId'), col('destination'), col('currency'), col('gross'), col('clawback')],
        'run',
      );
      // Attach the commissions (a commission is in one item at most: the link's primary key)
      // and take the sums from what was attached, so the items always equal their commissions.
      const attached = await tx.execute<{ item_id: string; total: string }[]>(
        `with x as (select * from ${x}),
              chosen as materialized (
                select u.id, u.amount_minor, x.item_id from (${unattached}) u join x on x.affiliate_id = u.affiliate_id and x.currency = u.currency),
              -- In commission id order: the primary key's index then grows at its right edge.
              linked as (insert into payout_item_commission (commission_id, payout_item_id, merchant_id) select id, item_id, ? from chosen order by id)
         select item_id, sum(amount_minor) as total from chosen group by item_id`,
        [col('id'), col('affiliateId'), col('currency'), ...payable.params, merchantId],
      );
      const netted = await this.commissions.netClawbacks(tx, merchantId, campaignId, cutoff, items.map((i) => ({ itemId: i.id, affiliateId: i.affiliateId, currency: i.currency })));
      const actualGross = new Map(attached.map((a) => [a.item_id, minorFromDb(a.total)]));
      const changed = items.filter((i) => (actualGross.get(i.id) ?? 0) !== i.gross || (netted.get(i.id) ?? 0) !== i.clawback);
      for (const i of changed) {
        i.gross = actualGross.get(i.id) ?? 0;
        i.clawback = netted.get(i.id) ?? 0;
        if (i.gross + i.clawback <= 0) throw conflict('Commissions changed while the batch was being built; try again');
      }
      if (changed.length) {
        await tx.execute(
          `update payout_item i set gross_minor = x.gross, clawback_minor = x.clawback, amount_minor = x.gross + x.clawback
             from unnest(?::uuid[], ?::bigint[], ?::bigint[]) as x(id, gross, clawback) where i.id = x.id`,
          [pgArray(changed.map((i) => i.id)), pgArray(changed.map((i) => String(i.gross))), pgArray(changed.map((i) => String(i.clawback)))],
          'run',
        );
      }
      await tx.execute(`update payout_batch set total_minor = ? where id = ?`, [items.reduce((t, i) => t + i.gross + i.clawback, 0), batchId], 'run');
    }
    this.log.info({ batchId, campaignId, period, items: items.length, skipped: skipped.length }, 'payouts: batch created');
    return batchId;
  }

  private async lockedBatch(tx: EntityManager, merchantId: string, id: string): Promise<PayoutBatch> {
    const batch = isUuid(id) ? await tx.findOne(PayoutBatch, { id, merchant: merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
    if (!batch) throw new DomainError('NOT_FOUND', 'Payout batch not found', { id: 'no such payout batch' });
    return batch;
  }

  /** Starts sending its PENDING items and returns at once; poll `progress`. */
  async execute(em: EntityManager, merchantId: string, id: string, now: Date): Promise<PayoutBatch> {
    const batch = await em.transactional(async (tx) => {
      const b = await this.lockedBatch(tx, merchantId, id);
      if (b.status === PayoutBatchStatus.EXECUTING) return b; // already running: nothing more to do
      transitionBatch(b, 'execute');
      b.executedAt ??= now;
      return b;
    });
    this.runner.kick();
    await this.runner.finishBatch(batch.id); // a batch with no item completes at once
    await em.refresh(batch);
    return batch;
  }

  /**
   * Deletes a DRAFT batch (an abandoned preview, or a scheduled batch the operator does not
   * want): nothing was sent, so its commissions and clawbacks go back to the pool, and the next
   * batch takes them. A scheduled run stays recorded, so the schedule does not rebuild it.
   */
  async discard(em: EntityManager, merchantId: string, id: string): Promise<string> {
    return em.transactional(async (tx) => {
      const b = await this.lockedBatch(tx, merchantId, id);
      assertBatchCan(b, 'discard');
      // A builder holds its campaign for its whole transaction: it must not see these released midway.
      await tx.execute(`select 1 from campaign where id = ? and merchant_id = ? for no key update`, [b.campaign.id, merchantId]);
      const items = `select id from payout_item where batch_id = ?`;
      await tx.execute(`update clawback set payout_item_id = null where payout_item_id in (${items})`, [b.id], 'run');
      await tx.execute(`delete from payout_item_commission where payout_item_id in (${items})`, [b.id], 'run');
      await tx.execute(`update payout_schedule_run set batch_id = null where batch_id = ?`, [b.id], 'run');
      await tx.execute(`delete from payout_item where batch_id = ?`, [b.id], 'run');
      await tx.execute(`delete from payout_batch where id = ?`, [b.id], 'run');
      this.log.info({ batchId: b.id, merchantId }, 'payouts: draft batch discarded');
      return b.id;
    });
  }

  /**
   * Puts the FAILED items back to PENDING (each reconciles before its next attempt), on the
   * affiliate's current payout account, and runs them.
   */
  async retryFailed(em: EntityManager, merchantId: string, id: string): Promise<PayoutBatch> {
    const batch = await em.transactional(async (tx) => {
      const b = await this.lockedBatch(tx, merchantId, id);
      const from = itemSourcesOf(PayoutItemStatus.PENDING);
      const [row] = await tx.execute<{ n: string }[]>(`select count(*) as n from payout_item where batch_id = ? and status = any(?::payout_item_status[])`, [b.id, pgArray(from)]);
      if (Number(row!.n) === 0) throw conflict('Nothing to retry: this batch has no FAILED items', { batchId: 'has no FAILED items' });
      if (b.status !== PayoutBatchStatus.EXECUTING) transitionBatch(b, 'retryFailed');
      b.completedAt = null;
      // An affiliate who reconnected Stripe (say, after a deauthorization) is paid on the account
      // that can receive transfers now. Safe for exactly-once: reconciliation finds an earlier
      // attempt's transfer by the item alone, whatever its destination.
      await tx.execute(
        `update payout_item i set destination = a.stripe_account_id
           from payout_account a
          where i.batch_id = ? and i.status = any(?::payout_item_status[])
            and a.merchant_id = i.merchant_id and a.affiliate_id = i.affiliate_id and a.stripe_account_id <> i.destination
            and a.status = ? and a.payouts_enabled and a.transfers_active and a.deauthorized_at is null`,
        [b.id, pgArray(from), PayoutAccountStatus.ENABLED],
        'run',
      );
      await tx.execute(
        `update payout_item set status = ?, next_try_at = null, transient_failures = 0 where batch_id = ? and status = any(?::payout_item_status[])`,
        [PayoutItemStatus.PENDING, b.id, pgArray(from)],
        'run',
      );
      return b;
    });
    this.runner.kick();
    return batch;
  }

  list(em: EntityManager, merchantId: string, page: PageRequest) {
    return paginate(em, PayoutBatch, { merchant: merchantId }, page);
  }

  items(em: EntityManager, batchId: string, status: PayoutItemStatus | null | undefined, page: PageRequest) {
    return paginateQuery(() => {
      const qb = em.createQueryBuilder(PayoutItem, 'i').where({ batch: batchId });
      if (status) qb.andWhere({ status });
      return qb;
    }, page, 'asc');
  }

  /** An affiliate's payout items, newest first. */
  itemsOfAffiliate(em: EntityManager, affiliateId: string, page: PageRequest) {
    return paginate(em, PayoutItem, { affiliate: affiliateId }, page);
  }

  /** Item counts per status for a page of batches, in one query. */
  async progress(em: EntityManager, batchIds: readonly string[]): Promise<Progress[]> {
    const rows = await em.execute<{ batch_id: string; status: PayoutItemStatus; n: string }[]>(
      `select batch_id, status, count(*) as n from payout_item where batch_id = any(?::uuid[]) group by batch_id, status`,
      [pgArray(batchIds.filter(isUuid))],
    );
    return batchIds.map((id) => {
      const n = (s: PayoutItemStatus) => Number(rows.find((r) => r.batch_id === id && r.status === s)?.n ?? 0);
      return { pending: n(PayoutItemStatus.PENDING), posted: n(PayoutItemStatus.POSTED), failed: n(PayoutItemStatus.FAILED) };
    });
  }

  /** Commissions per payout item, in two queries for a page of items. */
  async commissionsOf(em: EntityManager, itemIds: readonly string[]) {
    const links = await em.execute<{ commission_id: string; payout_item_id: string }[]>(
      `select commission_id, payout_item_id from payout_item_commission where payout_item_id = any(?::uuid[])`,
      [pgArray(itemIds.filter(isUuid))],
    );
    const commissions = await this.commissions.byIds(em, links.map((l) => l.commission_id));
    const byId = new Map(commissions.map((c) => [c.id, c]));
    return itemIds.map((id) => links.filter((l) => l.payout_item_id === id).map((l) => byId.get(l.commission_id)).filter((c) => c !== undefined));
  }

  // ---- The monthly schedule ----

  /**
   * On (or after, if the server was down) each campaign's payoutDayOfMonth, the batch for the
   * previous month: commissions finalized before that month ended. At most once per campaign
   * and period (payout_schedule_run's primary key), executed at once if the campaign says so.
   */
  async runSchedule(now: Date): Promise<void> {
    const period = previousPeriod(now);
    const due = await this.orm.em.fork().execute<{ id: string; merchant_id: string; auto_execute_payouts: boolean }[]>(
      `select c.id, c.merchant_id, c.auto_execute_payouts from campaign c
        where c.payout_day_of_month <= ? and not exists (select 1 from payout_schedule_run r where r.campaign_id = c.id and r.period = ?)`,
      [now.getUTCDate(), period],
    );
    for (const c of due) {
      const em = this.orm.em.fork();
      em.setFilterParams(TENANT, { merchantId: c.merchant_id });
      try {
        const batchId = await em.transactional(async (tx) => {
          const claimed = await tx.execute<QueryResult>(
            `insert into payout_schedule_run (campaign_id, period, merchant_id, created_at) values (?, ?, ?, ?) on conflict do nothing`,
            [c.id, period, c.merchant_id, now],
            'run',
          );
          if (claimed.affectedRows !== 1) return null; // another process ran it
          const id = await this.buildBatch(tx, c.merchant_id, c.id, period, now, periodEnd(period));
          if (id) await tx.execute(`update payout_schedule_run set batch_id = ? where campaign_id = ? and period = ?`, [id, c.id, period], 'run');
          return id;
        });
        if (batchId && c.auto_execute_payouts) await this.execute(em, c.merchant_id, batchId, now);
      } catch (err) {
        this.log.error({ err, campaignId: c.id, period }, 'payouts: scheduled batch failed');
      }
    }
  }

  // ---- Stripe webhooks ----

  /** A verified event, handled once per event id (redeliveries change nothing). */
  async handleStripeEvent(event: Stripe.Event): Promise<'processed' | 'duplicate' | 'ignored'> {
    const now = this.clock();
    return this.orm.em.fork().transactional(async (tx) => {
      const fresh = await tx.execute<QueryResult>(`insert into stripe_event (id, type, received_at) values (?, ?, ?) on conflict do nothing`, [event.id, event.type, now], 'run');
      if (fresh.affectedRows !== 1) return 'duplicate';
      switch (event.type) {
        case 'account.updated':
          await this.accounts.refresh(tx, event.data.object.id, now);
          return 'processed';
        case 'account.application.deauthorized':
          if (event.account) await this.accounts.deauthorize(tx, event.account, now);
          return 'processed';
        case 'transfer.reversed':
          await this.markReversed(tx, event.data.object);
          return 'processed';
        default:
          return 'ignored';
      }
    });
  }

  /** The item whose transfer Stripe reversed (found by transfer id, or by its metadata if we have not recorded the transfer yet). */
  private async markReversed(tx: EntityManager, transfer: Stripe.Transfer): Promise<void> {
    const itemId = transfer.metadata?.payout_item_id;
    await tx.execute(
      `update payout_item set transfer_reversed = true, transfer_reversed_minor = greatest(transfer_reversed_minor, ?)
        where stripe_transfer_id = ? or id = ?`,
      [transfer.amount_reversed ?? 0, transfer.id, itemId && isUuid(itemId) ? itemId : '00000000-0000-0000-0000-000000000000'],
      'run',
    );
  }
}
