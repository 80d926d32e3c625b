import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { parseInput } from '../../errors.js';
import { paginateQuery, type PageRequest } from '../../db/pagination.js';
import { isUuid, uuidv7 } from '../../ids.js';
import type { AccrualInput, CommissionAccrual } from '../orders/index.js';
import type { Exec, StatementPart } from '../../db/sql-runner.js';
import { Commission, CommissionAdjustment, CommissionStatus, AdjustmentKind } from './commission.entity.js';
import { PayoutItemCommission } from './payout-link.entity.js';
import { commissionFor, isAdjustable, isLocked, refundAdjustment, sourcesOf, transition } from './commission-rules.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { minorFromDb } from '../../money.js';
import type { WebhookOutbox } from '../webhooks/index.js';

export interface CommissionFilter {
  status?: CommissionStatus | null;
  affiliateId?: string | null;
  campaignId?: string | null;
  subscriptionId?: string | null;
}

const filterSchema = z.object({
  status: z.enum(CommissionStatus).nullish(),
  affiliateId: z.string().refine(isUuid, 'is not an affiliate id').nullish(),
  campaignId: z.string().refine(isUuid, 'is not a campaign id').nullish(),
  subscriptionId: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
});
export type ParsedCommissionFilter = z.output<typeof filterSchema>;
/** A commission filter checked (BAD_USER_INPUT with each field's problem). */
export const commissionsFilter = (filter: CommissionFilter | Record<string, string> | null | undefined): ParsedCommissionFilter =>
  parseInput(filterSchema, filter ?? {});

/** Commission sums of one affiliate in one currency. */
/** The commissions a payout batch of one campaign may take (see CommissionsService.payableTotals). */
export interface PayableQuery {
  merchantId: string;
  campaignId: string;
  /** Only those finalized before it (a scheduled batch's period end), or all. */
  cutoff: Date | null;
}
const payableParams = (q: PayableQuery) => (q.cutoff ? [q.merchantId, q.campaignId, q.cutoff] : [q.merchantId, q.campaignId]);

/** A new payout item: the affiliate and currency whose payable commissions it takes. */
export interface PayoutItemRef {
  itemId: string;
  affiliateId: string;
  currency: string;
}

export interface CurrencyTotals {
  currency: string;
  pendingMinor: number;
  finalizedMinor: number;
  paidMinor: number;
}

/**
 * Commissions: accrual from AFFILIATE conversions, refund adjustments (before finalization
 * only), and the reads operators and affiliates see. REFERRAL conversions never reach here.
 */
export class CommissionsService implements CommissionAccrual {
  constructor(private readonly webhooks: WebhookOutbox) {}

  /**
   * Accrual: the commissions of the AFFILIATE conversions an order batch writes, PENDING at each
   * campaign's rule, and their commission.created events: CTEs (`cm`, `cm_events`) of the
   * statement that writes those conversions, inserting only the accruals of the conversions
   * `written` names (see CommissionAccrual), whatever their number.
   */
  accrual(inputs: readonly AccrualInput[], written: string): StatementPart {
    const column = (value: (input: AccrualInput) => string | number) => pgArray(inputs.map(value));
    const text = (value: (input: AccrualInput) => string | null) => pgTextArray(inputs.map(value));
    // The batch's time: one `now` for every order of it.
    const events = this.webhooks.enqueueStatement('commission.created', commissionEvents('cm'), inputs[0]!.now);
    return {
      sql: `cm as (insert into commission (id, merchant_id, conversion_id, enrollment_id, affiliate_id, campaign_id, currency, original_amount_minor, amount_minor, status,
                                          subscription_id, sequence, created_at)
                  select a.id, a.merchant_id, a.conversion_id, a.enrollment_id, a.affiliate_id, a.campaign_id, a.currency, a.amount, a.amount, 'PENDING',
                         a.subscription_id, a.sequence, a.created_at
                    from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::int[], ?::timestamptz[])
                           as a(id, merchant_id, conversion_id, enrollment_id, affiliate_id, campaign_id, currency, amount, subscription_id, sequence, created_at)
                   where a.conversion_id in (select id from ${written})
                  returning *),
            cm_events as (${events.sql})`,
      params: [
        column((i) => i.id),
        column((i) => i.merchantId),
        column((i) => i.conversionId),
        column((i) => i.enrollmentId),
        column((i) => i.affiliateId),
        column((i) => i.campaignId),
        column((i) => i.currency),
        column((i) => this.amountOf(i)),
        text((i) => i.subscriptionId),
        column((i) => i.sequence),
        column((i) => i.now.toISOString()),
        ...events.params,
      ],
    };
  }

  amountOf(input: AccrualInput): number {
    return commissionFor(input.rule, input.orderAmountMinor);
  }

  /**
   * A refund of a conversion's order. PENDING: a REFUND adjustment proportional to the share
   * refunded so far (a full refund leaves it REVERSED at 0). FINALIZED or PAID: the locked
   * amount stays and the same reduction is recorded as a clawback row, netted by the next
   * payout item; REVERSED: nothing is left to reduce.
   */
  async applyRefund(exec: Exec, input: Parameters<CommissionAccrual['applyRefund']>[1]) {
    const [row] = await exec<{ id: string; status: CommissionStatus; original_amount_minor: string; amount_minor: string; reduced: string }>(
      `select c.id, c.status, c.original_amount_minor, c.amount_minor,
              coalesce((select -sum(a.amount_minor) from commission_adjustment a where a.commission_id = c.id and a.kind = 'REFUND'), 0)
              + coalesce((select -sum(k.amount_minor) from clawback k where k.commission_id = c.id), 0) as reduced
         from commission c where c.merchant_id = ? and c.conversion_id = ? for update of c`,
      [input.merchantId, input.conversionId],
    );
    if (!row) return { commission: null, reductionMinor: 0 };
    const commission = { id: row.id, status: row.status, amountMinor: Number(row.amount_minor) };
    // Adjustments and clawbacks together: the same share of a refund is never taken twice.
    const delta = refundAdjustment({
      originalAmountMinor: Number(row.original_amount_minor),
      orderAmountMinor: input.orderAmountMinor,
      refundedTotalMinor: input.refundedTotalMinor,
      alreadyReducedMinor: Number(row.reduced),
    });
    if (delta === 0) return { commission, reductionMinor: 0 };
    if (!isAdjustable(commission.status)) {
      // Locked amount: the reduction becomes a clawback, netted into the affiliate's next payout.
      if (isLocked(commission.status)) {
        await exec(`insert into clawback (id, merchant_id, commission_id, amount_minor, reason, refund_id, created_at) values (?, ?, ?, ?, ?, ?, ?)`, [
          uuidv7(input.now.getTime()),
          input.merchantId,
          row.id,
          delta,
          input.reason,
          input.refundRowId,
          input.now,
        ]);
        return { commission, reductionMinor: delta };
      }
      return { commission, reductionMinor: 0 };
    }
    commission.amountMinor += delta;
    if (commission.amountMinor === 0) transition(commission, CommissionStatus.REVERSED, input.now);
    const event = this.webhooks.enqueueStatement('commission.updated', commissionEvents('c'), input.now);
    await exec(
      `with a as (insert into commission_adjustment (id, merchant_id, commission_id, kind, amount_minor, reason, refund_id, created_at)
                  values (?, ?, ?, ?, ?, ?, ?, ?)),
            c as (update commission set amount_minor = amount_minor + ?, status = ? where id = ? returning *)
       ${event.sql}`,
      [
        uuidv7(input.now.getTime()),
        input.merchantId,
        row.id,
        AdjustmentKind.REFUND,
        delta,
        input.reason,
        input.refundRowId,
        input.now,
        delta,
        commission.status,
        row.id,
        ...event.params,
      ],
    );
    return { commission, reductionMinor: delta };
  }

  async commissionOf(exec: Exec, conversionId: string) {
    const [row] = await exec<{ id: string; status: CommissionStatus; amount_minor: string }>(
      `select id, status, amount_minor from commission where conversion_id = ?`,
      [conversionId],
    );
    return row ? { id: row.id, status: row.status, amountMinor: Number(row.amount_minor) } : null;
  }

  // ---- Reads ----

  list(em: EntityManager, merchantId: string, filter: CommissionFilter | null | undefined, page: PageRequest) {
    const f = commissionsFilter(filter);
    return paginateQuery(() => this.filtered(em, merchantId, f), page);
  }

  /** The commissions a checked filter selects (alias `c`): the list's and the export's query. */
  filtered(em: EntityManager, merchantId: string, f: ParsedCommissionFilter) {
    const qb = em.createQueryBuilder(Commission, 'c').where({ merchant: merchantId });
    if (f.status) qb.andWhere({ status: f.status });
    if (f.affiliateId) qb.andWhere({ affiliate: f.affiliateId });
    if (f.campaignId) qb.andWhere({ campaign: f.campaignId });
    if (f.subscriptionId) qb.andWhere({ subscriptionId: f.subscriptionId });
    return qb;
  }

  /** Adjustments per commission id, oldest first, for a page of commissions in one query. */
  async adjustmentsOf(em: EntityManager, commissionIds: readonly string[]) {
    const rows = await em.find(CommissionAdjustment, { commission: { $in: [...commissionIds] } }, { orderBy: { id: 'asc' } });
    const map = new Map<string, CommissionAdjustment[]>(commissionIds.map((id) => [id, []]));
    for (const a of rows) map.get(a.commission.id)?.push(a);
    return commissionIds.map((id) => map.get(id)!);
  }

  /** Commission ids per conversion id, in one query. */
  async idsByConversion(em: EntityManager, conversionIds: readonly string[]) {
    const rows = await em.find(Commission, { conversion: { $in: [...conversionIds] } }, { fields: ['id', 'conversion'] });
    const map = new Map(rows.map((c) => [c.conversion.id, c.id]));
    return conversionIds.map((id) => map.get(id) ?? null);
  }

  /**
   * Commission sums per currency for a set of affiliates, in one set-based aggregate. Currencies
   * come in the order the affiliate joined their campaigns (each enrolled campaign's currency
   * appears, at zero before anything is earned), then any only their commissions name.
   */
  async earnings(em: EntityManager, merchantId: string, affiliateIds: readonly string[]): Promise<Map<string, CurrencyTotals[]>> {
    const ids = pgArray(affiliateIds.filter(isUuid));
    // UUIDv7 ids as text sort by creation: the first enrollment (or commission) per currency.
    const money = await em.execute<{ affiliate_id: string; currency: string; pending: string; finalized: string; paid: string }[]>(
      `with e as (select e.affiliate_id, k.currency, min(e.id::text) as first
                    from enrollment e join campaign k on k.id = e.campaign_id
                   where e.merchant_id = ? and e.affiliate_id = any(?::uuid[]) group by e.affiliate_id, k.currency),
            m as (select affiliate_id, currency, min(id::text) as first,
                         sum(amount_minor) filter (where status = 'PENDING') as pending,
                         sum(amount_minor) filter (where status = 'FINALIZED') as finalized,
                         sum(amount_minor) filter (where status = 'PAID') as paid
                    from commission where merchant_id = ? and affiliate_id = any(?::uuid[]) group by affiliate_id, currency)
       select affiliate_id, currency, m.pending, m.finalized, m.paid
         from e full join m using (affiliate_id, currency)
        order by affiliate_id, e.first nulls last, m.first`,
      [merchantId, ids, merchantId, ids],
    );
    const byAffiliate = new Map<string, CurrencyTotals[]>();
    for (const r of money) {
      const list = byAffiliate.get(r.affiliate_id) ?? [];
      list.push({ currency: r.currency, pendingMinor: minorFromDb(r.pending), finalizedMinor: minorFromDb(r.finalized), paidMinor: minorFromDb(r.paid) });
      byAffiliate.set(r.affiliate_id, list);
    }
    return byAffiliate;
  }

  // ---- Payouts' ports: what is payable, attaching it to payout items, and the PAID transition ----

  /**
   * The commissions a new payout item may take: FINALIZED, unpaid, in no payout item yet, of one
   * campaign (finalized before `cutoff` when one is given). A fixed text per cutoff kind.
   */
  private payableSql(cutoff: Date | null) {
    return `select c.id, c.affiliate_id, c.currency, c.amount_minor from commission c
             where c.merchant_id = ? and c.campaign_id = ? and c.paid_at is null and c.status = 'FINALIZED'${cutoff ? ' and c.finalized_at < ?' : ''}
               and not exists (select 1 from payout_item_commission l where l.commission_id = c.id)`;
  }

  /** Port for payouts: the payable sums per affiliate and currency of a campaign, in one aggregate. */
  async payableTotals(tx: EntityManager, q: PayableQuery): Promise<{ affiliateId: string; currency: string; totalMinor: number }[]> {
    const rows = await tx.execute<{ affiliate_id: string; currency: string; total: string }[]>(
      `select affiliate_id, currency, sum(amount_minor) as total from (${this.payableSql(q.cutoff)}) u group by affiliate_id, currency`,
      payableParams(q),
    );
    return rows.map((r) => ({ affiliateId: r.affiliate_id, currency: r.currency, totalMinor: minorFromDb(r.total) }));
  }

  /**
   * Port for payouts: attaches each affiliate's payable commissions (in that currency) to their
   * new payout item, in one statement, and returns the sum attached per item, so an item always
   * equals its commissions. A commission goes to one item at most (the link's primary key).
   */
  async attachPayable(tx: EntityManager, q: PayableQuery, items: readonly PayoutItemRef[]): Promise<Map<string, number>> {
    if (!items.length) return new Map();
    const rows = await tx.execute<{ item_id: string; total: string }[]>(
      `with x as (select * from unnest(?::uuid[], ?::uuid[], ?::text[]) as x(item_id, affiliate_id, currency)),
            chosen as materialized (
              select u.id, u.amount_minor, x.item_id from (${this.payableSql(q.cutoff)}) u join x on x.affiliate_id = u.affiliate_id and x.currency = u.currency),
            -- In commission id order: the primary key's index then grows at its right edge.
            linked as (insert into payout_item_commission (commission_id, payout_item_id, merchant_id) select id, item_id, ? from chosen order by id)
       select item_id, sum(amount_minor) as total from chosen group by item_id`,
      [pgArray(items.map((i) => i.itemId)), pgArray(items.map((i) => i.affiliateId)), pgArray(items.map((i) => i.currency)), ...payableParams(q), q.merchantId],
    );
    return new Map(rows.map((r) => [r.item_id, minorFromDb(r.total)]));
  }

  /** Port for payouts: payout items discarded before sending free their commissions and clawbacks for the next batch. */
  async releasePayoutItems(tx: EntityManager, merchantId: string, itemIds: readonly string[]): Promise<void> {
    if (!itemIds.length) return;
    const ids = pgArray(itemIds);
    await tx.execute(`update clawback set payout_item_id = null where merchant_id = ? and payout_item_id = any(?::uuid[])`, [merchantId, ids], 'run');
    await tx.execute(`delete from payout_item_commission where merchant_id = ? and payout_item_id = any(?::uuid[])`, [merchantId, ids], 'run');
  }

  /** Clawbacks of a campaign's commissions not yet netted into a payout item, per affiliate and currency. */
  async unnettedClawbacks(tx: EntityManager, merchantId: string, campaignId: string, cutoff: Date | null) {
    const rows = await tx.execute<{ affiliate_id: string; currency: string; total: string }[]>(
      `select c.affiliate_id, c.currency, sum(k.amount_minor) as total
         from clawback k join commission c on c.id = k.commission_id
        where k.merchant_id = ? and c.campaign_id = ? and k.payout_item_id is null${cutoff ? ' and k.created_at < ?' : ''}
        group by c.affiliate_id, c.currency`,
      cutoff ? [merchantId, campaignId, cutoff] : [merchantId, campaignId],
    );
    return rows.map((r) => ({ affiliateId: r.affiliate_id, currency: r.currency, totalMinor: minorFromDb(r.total) }));
  }

  /**
   * Nets each affiliate's unnetted clawbacks (of this campaign, in that currency) into their
   * payout item, in one statement; returns the sum netted per item.
   */
  async netClawbacks(
    tx: EntityManager,
    merchantId: string,
    campaignId: string,
    cutoff: Date | null,
    items: { itemId: string; affiliateId: string; currency: string }[],
  ) {
    if (!items.length) return new Map<string, number>();
    const rows = await tx.execute<{ payout_item_id: string; total: string }[]>(
      `with x as (select * from unnest(?::uuid[], ?::uuid[], ?::text[]) as x(item_id, affiliate_id, currency)),
            netted as (
              update clawback k set payout_item_id = x.item_id
                from commission c, x
               where k.commission_id = c.id and c.affiliate_id = x.affiliate_id and c.currency = x.currency
                 and k.merchant_id = ? and c.campaign_id = ? and k.payout_item_id is null${cutoff ? ' and k.created_at < ?' : ''}
              returning k.payout_item_id, k.amount_minor)
       select payout_item_id, sum(amount_minor) as total from netted group by payout_item_id`,
      [
        pgArray(items.map((i) => i.itemId)),
        pgArray(items.map((i) => i.affiliateId)),
        pgArray(items.map((i) => i.currency)),
        merchantId,
        campaignId,
        ...(cutoff ? [cutoff] : []),
      ],
    );
    return new Map(rows.map((r) => [r.payout_item_id, minorFromDb(r.total)]));
  }

  /**
   * Port for payouts: a payout item was POSTED: the commissions attached to it FINALIZED → PAID,
   * and the clawbacks it netted applied, in the caller's transaction. Returns how many were paid.
   */
  async markPaid(tx: EntityManager, merchantId: string, payoutItemId: string, now: Date): Promise<number> {
    const from = sourcesOf(CommissionStatus.PAID);
    const event = this.webhooks.enqueueStatement('commission.updated', commissionEvents('p'), now);
    const [paid] = await tx.execute<{ n: number }[]>(
      `with p as (update commission set status = 'PAID', paid_at = ?
                   where merchant_id = ? and status = any(?::commission_status[])
                     and id in (select commission_id from payout_item_commission where merchant_id = ? and payout_item_id = ?)
                  returning *),
            e as (${event.sql})
       select count(*)::int as n from p`,
      [now, merchantId, pgArray(from), merchantId, payoutItemId, ...event.params],
    );
    await tx.execute(
      `update clawback set applied_at = ? where merchant_id = ? and payout_item_id = ? and applied_at is null`,
      [now, merchantId, payoutItemId],
      'run',
    );
    return paid!.n;
  }

  /** Port for payouts: the commissions of each payout item (for a page of items: two queries), oldest first. */
  async commissionsOfItems(em: EntityManager, itemIds: readonly string[]): Promise<Commission[][]> {
    const links = await em.find(PayoutItemCommission, { payoutItemId: { $in: itemIds.filter(isUuid) } }, { fields: ['commission', 'payoutItemId'] });
    const commissions = links.length ? await em.find(Commission, { id: { $in: links.map((l) => l.commission.id) } }, { orderBy: { id: 'asc' } }) : [];
    const itemOf = new Map(links.map((l) => [l.commission.id, l.payoutItemId]));
    return itemIds.map((id) => commissions.filter((c) => itemOf.get(c.id) === id));
  }
}

/**
 * Commission events' rows from a relation of commission rows (an INSERT's or UPDATE's
 * RETURNING *): the merchant and `data.commission`, what an operator sees of it. A one-time
 * sale's `subscriptionId` and `sequence` are null (its row's sequence 1 is no billing month).
 */
export const commissionEvents = (rows: string) =>
  `(select merchant_id, json_build_object('commission', json_build_object(
      'id', id, 'status', status, 'amountMinor', amount_minor, 'originalAmountMinor', original_amount_minor, 'currency', currency,
      'affiliateId', affiliate_id, 'campaignId', campaign_id, 'conversionId', conversion_id,
      'subscriptionId', subscription_id, 'sequence', case when subscription_id is null then null else sequence end, 'createdAt', created_at,
      'finalizedAt', finalized_at, 'paidAt', paid_at)) as data from ${rows})`;
