import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { DomainError, badInput, conflict, parseInput } from '../../errors.js';
import { paginate, paginateQuery, type PageRequest } from '../../db/pagination.js';
import { isUuid } from '../../ids.js';
import type { Logger } from '../../logger.js';
import type { CampaignsService } from '../campaigns/index.js';
import type { CommissionsService } from '../commissions/index.js';
import { PayoutAccountStatus } from './payout-account.entity.js';
import { PayoutAccountsService } from './payout-accounts.service.js';
import { PayoutBatch, PayoutItem, PayoutSkipReason } from './payout-batch.entity.js';
import { PayoutRunner } from './payout-runner.js';
import { BatchBuilder } from './batch-builder.js';
import { PayoutSchedule } from './payout-schedule.js';
import { StripeEvents } from './stripe-events.js';
import { PERIOD, PayoutBatchStatus, PayoutItemStatus, assertBatchCan, itemSourcesOf, periodEnd, transitionBatch } from './payout-rules.js';
import type { StripeConnection } from './stripe/stripe-client.js';
import { pgArray } from '../../db/pg-arrays.js';
import type { MailService } from '../mail/index.js';
import type { WebhookOutbox } from '../webhooks/index.js';

const createSchema = z.object({
  campaignId: z.string().refine(isUuid, 'is not a campaign id'),
  period: z.string().regex(PERIOD, 'must be a month like 2026-11'),
});

/** What a campaign's scheduled batch for a month would pay if it were built now, in one currency. */
export interface PayoutPreviewRow {
  currency: string;
  /** The items' total: what the batch sends. */
  amountMinor: number;
  affiliates: number;
  /** Carried forward for want of a payout account that can receive transfers. */
  awaitingAccountMinor: number;
  awaitingAccountAffiliates: number;
}

export interface Progress {
  pending: number;
  posted: number;
  failed: number;
}

/**
 * Payout batches: set-based creation (one item per affiliate and currency over FINALIZED,
 * unattached commissions minus unnetted clawbacks), execution and retries through the
 * runner (batch-builder.ts builds them), the monthly schedule (payout-schedule.ts) and Stripe's
 * webhooks (stripe-events.ts).
 */
export class PayoutsService {
  readonly accounts: PayoutAccountsService;
  readonly runner: PayoutRunner;
  readonly stripeEvents: StripeEvents;
  private readonly builder: BatchBuilder;
  private readonly schedule: PayoutSchedule;

  constructor(
    private readonly config: Config,
    private readonly orm: MikroORM,
    readonly stripe: StripeConnection,
    private readonly commissions: CommissionsService,
    private readonly campaigns: CampaignsService,
    private readonly log: Logger,
    private readonly mail: MailService,
    private readonly clock: () => Date,
    private readonly webhooks: WebhookOutbox,
  ) {
    this.accounts = new PayoutAccountsService(stripe.stripe, config.publicUrl, log, mail);
    this.runner = this.newRunner();
    this.stripeEvents = new StripeEvents(orm, this.accounts, clock);
    this.builder = new BatchBuilder(commissions, campaigns, log);
    this.schedule = new PayoutSchedule(orm, this.builder, campaigns, (em, merchantId, id, now) => this.execute(em, merchantId, id, now), log);
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
      mail: this.mail,
      webhooks: this.webhooks,
      payoutsUrl: `${this.config.publicUrl}/portal/payouts`,
    });
  }

  /** The periodic job (jobs/periodic.ts runs it): resume EXECUTING batches, then the monthly schedule. */
  async tick(): Promise<void> {
    this.runner.kick();
    await this.runner.finishStale();
    await this.schedule.run(this.clock());
  }

  async close(): Promise<void> {
    await this.runner.close();
  }

  // ---- Batches ----

  async createBatch(em: EntityManager, merchantId: string, input: { campaignId: string; period: string }, now: Date): Promise<PayoutBatch> {
    const { campaignId, period } = parseInput(createSchema, input);
    const id = await em.transactional((tx) => this.builder.build(tx, merchantId, campaignId, period, now, null));
    if (!id) {
      throw badInput('Nothing to pay: the campaign has no finalized commissions that are not already in a payout', {
        campaignId: 'has no finalized, unpaid commissions',
      });
    }
    return em.findOneOrFail(PayoutBatch, { id, merchant: merchantId });
  }

  /**
   * What the scheduled batch of `period` would pay if it were built now (its cutoff, the
   * campaign's minimum, the payout accounts as they are), per currency; builds nothing.
   */
  async preview(em: EntityManager, merchantId: string, input: { campaignId: string; period: string }): Promise<PayoutPreviewRow[]> {
    const { campaignId, period } = parseInput(createSchema, input);
    const campaign = await this.campaigns.require(em, campaignId);
    const plan = await this.builder.plan(em, merchantId, campaignId, campaign.minPayoutMinor, periodEnd(period));
    const rows = new Map<string, PayoutPreviewRow>();
    const row = (currency: string) => {
      let r = rows.get(currency);
      if (!r) rows.set(currency, (r = { currency, amountMinor: 0, affiliates: 0, awaitingAccountMinor: 0, awaitingAccountAffiliates: 0 }));
      return r;
    };
    for (const i of plan.items) {
      const r = row(i.currency);
      r.amountMinor += i.gross + i.clawback;
      r.affiliates++;
    }
    for (const k of plan.skipped.filter((k) => k.reason === PayoutSkipReason.PAYOUT_ACCOUNT_NOT_READY)) {
      const r = row(k.currency);
      r.awaitingAccountMinor += k.amountMinor;
      r.awaitingAccountAffiliates++;
    }
    return [...rows.values()].sort((a, b) => a.currency.localeCompare(b.currency));
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
      await this.campaigns.holdForPayouts(tx, merchantId, b.campaign.id);
      const items = await tx.execute<{ id: string }[]>(`select id from payout_item where batch_id = ?`, [b.id]);
      await this.commissions.releasePayoutItems(
        tx,
        merchantId,
        items.map((i) => i.id),
      );
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
      const [row] = await tx.execute<{ n: string }[]>(`select count(*) as n from payout_item where batch_id = ? and status = any(?::payout_item_status[])`, [
        b.id,
        pgArray(from),
      ]);
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
    return paginateQuery(
      () => {
        const qb = em.createQueryBuilder(PayoutItem, 'i').where({ batch: batchId });
        if (status) qb.andWhere({ status });
        return qb;
      },
      page,
      'asc',
    );
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
  commissionsOf(em: EntityManager, itemIds: readonly string[]) {
    return this.commissions.commissionsOfItems(em, itemIds);
  }
}
