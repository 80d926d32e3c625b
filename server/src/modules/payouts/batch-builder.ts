import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../db/pg-arrays.js';
import { DomainError, conflict } from '../../errors.js';
import { uuidv7 } from '../../ids.js';
import type { Logger } from '../../logger.js';
import type { CampaignsService } from '../campaigns/index.js';
import type { CommissionsService } from '../commissions/index.js';
import { PayoutAccountStatus } from './payout-account.entity.js';
import { PayoutSkipReason, type SkippedRow } from './payout-batch.entity.js';
import { PayoutBatchStatus, PayoutItemStatus } from './payout-rules.js';

/** A payout item a batch would hold (BatchBuilder.plan). */
export interface PlannedItem {
  affiliateId: string;
  currency: string;
  destination: string;
  gross: number;
  clawback: number;
}

export interface BatchPlan {
  items: PlannedItem[];
  skipped: SkippedRow[];
}

/**
 * Builds a payout batch in one set-based pass: one item per affiliate and currency over
 * FINALIZED, unattached commissions minus unnetted clawbacks; the rest recorded as skipped.
 */
export class BatchBuilder {
  constructor(
    private readonly commissions: CommissionsService,
    private readonly campaigns: CampaignsService,
    private readonly log: Logger,
  ) {}

  /**
   * What a batch of this campaign would hold now (`cutoff` as the batch's): one item per
   * affiliate and currency whose net is positive, at least `minPayout`, and who can receive a
   * transfer; the rest skipped with the reason. Reads only.
   */
  async plan(tx: EntityManager, merchantId: string, campaignId: string, minPayout: number, cutoff: Date | null): Promise<BatchPlan> {
    const gross = await this.commissions.payableTotals(tx, { merchantId, campaignId, cutoff });
    const claws = await this.commissions.unnettedClawbacks(tx, merchantId, campaignId, cutoff);
    const sums = new Map<string, { affiliateId: string; currency: string; gross: number; clawback: number }>();
    const entry = (affiliateId: string, currency: string) => {
      const key = `${affiliateId}|${currency}`;
      let e = sums.get(key);
      if (!e) sums.set(key, (e = { affiliateId, currency, gross: 0, clawback: 0 }));
      return e;
    };
    for (const g of gross) entry(g.affiliateId, g.currency).gross += g.totalMinor;
    for (const c of claws) entry(c.affiliateId, c.currency).clawback += c.totalMinor;
    if (sums.size === 0) return { items: [], skipped: [] };

    const affiliateIds = [...new Set([...sums.values()].map((s) => s.affiliateId))];
    const accounts = await tx.execute<{ affiliate_id: string; stripe_account_id: string }[]>(
      `select affiliate_id, stripe_account_id from payout_account
        where merchant_id = ? and affiliate_id = any(?::uuid[]) and status = ? and payouts_enabled and transfers_active and deauthorized_at is null`,
      [merchantId, pgArray(affiliateIds), PayoutAccountStatus.ENABLED],
    );
    const destination = new Map(accounts.map((a) => [a.affiliate_id, a.stripe_account_id]));

    const items: PlannedItem[] = [];
    const skipped: SkippedRow[] = [];
    for (const s of [...sums.values()].sort((a, b) => a.affiliateId.localeCompare(b.affiliateId))) {
      const net = s.gross + s.clawback;
      const skip = (reason: PayoutSkipReason) => skipped.push({ affiliateId: s.affiliateId, amountMinor: net, currency: s.currency, reason });
      const dest = destination.get(s.affiliateId);
      if (net <= 0) skip(PayoutSkipReason.NET_NOT_POSITIVE);
      else if (net < minPayout) skip(PayoutSkipReason.BELOW_MINIMUM);
      else if (!dest) skip(PayoutSkipReason.PAYOUT_ACCOUNT_NOT_READY);
      else items.push({ affiliateId: s.affiliateId, currency: s.currency, destination: dest, gross: s.gross, clawback: s.clawback });
    }
    return { items, skipped };
  }

  /**
   * In the caller's transaction, with the campaign row locked (one builder per campaign at a
   * time). Returns the batch id, or null when there is nothing at all (no item, nobody skipped).
   */
  async build(tx: EntityManager, merchantId: string, campaignId: string, period: string, now: Date, cutoff: Date | null): Promise<string | null> {
    const campaign = await this.campaigns.holdForPayouts(tx, merchantId, campaignId);
    if (!campaign) throw new DomainError('NOT_FOUND', 'Campaign not found', { campaignId: 'no such campaign' });
    const payable = { merchantId, campaignId, cutoff };
    const planned = await this.plan(tx, merchantId, campaignId, campaign.minPayoutMinor, cutoff);
    if (!planned.items.length && !planned.skipped.length) return null;
    const items = planned.items.map((i) => ({ id: uuidv7(), ...i }));
    const skipped = planned.skipped;

    const batchId = uuidv7();
    await tx.execute(
      `insert into payout_batch (id, merchant_id, campaign_id, period, status, currency, total_minor, skipped, scheduled, created_at)
       values (?, ?, ?, ?, ?, ?, 0, ?::jsonb, ?, ?)`,
      [batchId, merchantId, campaignId, period, PayoutBatchStatus.DRAFT, campaign.currency, JSON.stringify(skipped), cutoff !== null, now],
      'run',
    );
    if (items.length) {
      const col = <K extends keyof (typeof items)[number]>(k: K) => pgArray(items.map((i) => String(i[k])));
      await tx.execute(
        `insert into payout_item (id, merchant_id, batch_id, affiliate_id, destination, currency, gross_minor, clawback_minor, amount_minor, status, attempts,
                                  key_spent, transient_failures, transfer_reversed, transfer_reversed_minor, created_at)
         select x.id, ?, ?, x.affiliate_id, x.destination, x.currency, x.gross, x.clawback, x.gross + x.clawback, ?, 0, false, 0, false, 0, ?
           from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::bigint[], ?::bigint[]) as x(id, affiliate_id, destination, currency, gross, clawback)`,
        [merchantId, batchId, PayoutItemStatus.PENDING, now, col('id'), col('affiliateId'), col('destination'), col('currency'), col('gross'), col('clawback')],
        'run',
      );
      // Attach the commissions and take the sums from what was attached, so the items always
      // equal their commissions; the clawbacks are netted the same way.
      const refs = items.map((i) => ({ itemId: i.id, affiliateId: i.affiliateId, currency: i.currency }));
      const actualGross = await this.commissions.attachPayable(tx, payable, refs);
      const netted = await this.commissions.netClawbacks(tx, merchantId, campaignId, cutoff, refs);
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
}
