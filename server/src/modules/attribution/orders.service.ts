import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { badInput, conflict, notFound, parseInput } from '../../errors.js';
import { paginateQuery, type PageArgs } from '../../graphql/connection.js';
import { isUuid, uuidv7 } from '../../ids.js';
import { MAX_AMOUNT_MINOR, isCurrency } from '../../money.js';
import { newToken } from '../auth/secrets.js';
import type { CommissionType } from '../campaigns/campaign.enums.js';
import { TENANT } from '../tenancy.js';
import { attribute, type CandidateCampaign, type CandidateClick, type MatchedBy } from './attribution.engine.js';
import { Channel } from './click.entity.js';
import { Conversion } from './conversion.entity.js';
import { emExec, withConnection, type Exec } from './sql-runner.js';

/** How far ahead of the server clock an order may be dated (store clocks and time zones drift). */
export const MAX_ORDER_AHEAD_MS = 24 * 3600_000;
/** Candidate clicks loaded per order: a visitor's latest ones (plus the order's own click id). */
export const MAX_CANDIDATE_CLICKS = 100;
/** How long a process trusts its cached copy of a merchant's webhook secret. */
export const SECRET_CACHE_MS = 10_000;

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
  .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date-time');
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
});

export const refundSchema = z.object({
  orderId: storeId,
  id: storeId,
  amountMinor: amount(1),
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

/** What attribution hands the commissions module (which implements it): commissions → attribution. */
export interface AccrualInput {
  id: string;
  merchantId: string;
  enrollmentId: string;
  affiliateId: string;
  campaignId: string;
  currency: string;
  orderAmountMinor: number;
  rule: { type: CommissionType; rateBps: number | null; amountMinor: number | null };
  now: Date;
}

/**
 * What attribution asks of the commissions module, which implements it (the import arrow runs
 * commissions → attribution; services.ts wires the two).
 */
export interface CommissionAccrual {
  /**
   * The body of a data-modifying CTE (`?` placeholders) inserting the commission of an AFFILIATE
   * conversion; it selects the conversion id from the CTE named `cv` (column `id`), so the order,
   * its conversion and its commission are written by one atomic statement.
   */
  accrualStatement(input: AccrualInput): { sql: string; params: unknown[] };
  /** Inside the refund's transaction (the order row locked): adjusts the conversion's commission, if any. */
  applyRefund(
    exec: Exec,
    input: { merchantId: string; conversionId: string; orderAmountMinor: number; refundedTotalMinor: number; refundRowId: string; reason: string; now: Date },
  ): Promise<RefundOutcome['commission']>;
  /** The commission of a conversion, if any. */
  commissionOf(exec: Exec, conversionId: string): Promise<RefundOutcome['commission']>;
}

interface TouchRow {
  kind: 'click' | 'referral';
  id: string;
  occurred_at: Date | null;
  is_bot: boolean | null;
  enrollment_id: string | null;
  affiliate_id: string | null;
  campaign_id: string | null;
  visitor_id: string | null;
  enrollment_status: string | null;
  campaign_status: string | null;
  attribution_window_days: number | null;
  currency: string | null;
  commission_type: CommissionType | null;
  commission_rate_bps: number | null;
  commission_amount_minor: string | number | null;
  code: string | null;
  customer_id: string | null;
}

/** Clicks by the order's click id or visitor id (one indexed query), plus its referral code. */
const CLICKS_SQL = `
  select 'click' as kind, c.id, c.occurred_at, c.is_bot, c.enrollment_id, c.affiliate_id, c.campaign_id, c.visitor_id,
         e.status::text as enrollment_status, k.status::text as campaign_status, k.attribution_window_days, k.currency,
         k.commission_type::text as commission_type, k.commission_rate_bps, k.commission_amount_minor,
         null::text as code, null::text as customer_id
    from (select * from click
           where merchant_id = ? and (visitor_id = ? or id = ?::uuid)
           order by occurred_at > ?, occurred_at desc limit ${MAX_CANDIDATE_CLICKS}) c
    left join enrollment e on e.id = c.enrollment_id
    left join campaign k on k.id = c.campaign_id`;
const REFERRAL_SQL = `
  select 'referral' as kind, r.id, null, null, null, null, null, null, null, null, null, null, null, null, null, r.code, r.customer_id
    from referral_code r where r.merchant_id = ? and r.code = ?`;

const json = (v: unknown) => JSON.stringify(v);

/**
 * Orders and refunds: validation, idempotency, attribution, and the conversion row; the
 * commission itself is written through `CommissionAccrual`. An order costs one transaction of
 * a few statements: the candidate touches (one query), one insert of event + order +
 * conversion, and the commission insert.
 */
export class OrdersService {
  private readonly secrets = new Map<string, { secret: string; at: number }>();

  constructor(private readonly accrual: CommissionAccrual) {}

  /** The GraphQL `recordOrder`: idempotent by (merchant, order id). */
  recordOrder(em: EntityManager, merchantId: string, input: unknown, now: Date): Promise<OrderOutcome> {
    return this.ingestOrder(em, merchantId, parseInput(orderSchema, input), null, now);
  }

  /** The GraphQL `recordRefund`: idempotent by (merchant, refund id). */
  recordRefund(em: EntityManager, merchantId: string, input: unknown, now: Date): Promise<RefundOutcome> {
    const r = parseInput(refundSchema, input);
    return this.ingestRefund(em, merchantId, r, null, now);
  }

  /** A verified webhook body: dispatched by type, idempotent by event id as well. */
  async handleWebhook(em: EntityManager, merchantId: string, body: unknown, now: Date): Promise<OrderOutcome | RefundOutcome> {
    const event = parseInput(webhookSchema, body);
    const ev = { id: event.id, type: event.type };
    if (event.type === 'order.created') return this.ingestOrder(em, merchantId, event.order, ev, now);
    return this.ingestRefund(em, merchantId, { ...event.refund, orderId: event.order.id }, ev, now);
  }

  private async storedResponse<T>(exec: Exec, merchantId: string, eventId: string): Promise<T> {
    const [row] = await exec<{ response: T }>(`select response from webhook_event where merchant_id = ? and event_id = ?`, [merchantId, eventId]);
    if (!row) throw conflict('This event is being processed; retry later');
    return row.response;
  }

  private async ingestOrder(em: EntityManager, merchantId: string, order: OrderInput, event: { id: string; type: string } | null, now: Date): Promise<OrderOutcome> {
    if (order.occurredAt.getTime() > now.getTime() + MAX_ORDER_AHEAD_MS) {
      throw badInput('occurredAt is more than 24 hours ahead of the server clock', { [event ? 'order.occurredAt' : 'occurredAt']: 'is more than 24 hours in the future' });
    }
    const field = (name: string) => (event ? `order.${name}` : name);
    return withConnection(em, async (exec) => {
      // 1. Candidate touches: one indexed query (nothing to look up without click, visitor or code).
      const clickId = order.clickId && isUuid(order.clickId) ? order.clickId.toLowerCase() : null;
      const queries: string[] = [];
      const params: unknown[] = [];
      if (clickId || order.visitorId) {
        queries.push(CLICKS_SQL);
        params.push(merchantId, order.visitorId, clickId, order.occurredAt);
      }
      if (order.referralCode) {
        queries.push(REFERRAL_SQL);
        params.push(merchantId, order.referralCode);
      }
      const rows = queries.length ? await exec<TouchRow>(queries.join(' union all '), params) : [];

      // 2. The decision (pure).
      const clicks: CandidateClick[] = [];
      const campaigns = new Map<string, CandidateCampaign & { currency: string; rule: AccrualInput['rule'] }>();
      const enrollments = new Map<string, string>();
      let referral: { id: string; code: string; customerId: string } | null = null;
      for (const r of rows) {
        if (r.kind === 'referral') {
          referral = { id: r.id, code: r.code!, customerId: r.customer_id! };
          continue;
        }
        const matchedBy: MatchedBy[] = [];
        if (clickId && r.id === clickId) matchedBy.push('clickId');
        if (order.visitorId && r.visitor_id === order.visitorId) matchedBy.push('visitorId');
        clicks.push({
          clickId: r.id, occurredAt: new Date(r.occurred_at!), isBot: !!r.is_bot,
          enrollmentId: r.enrollment_id!, affiliateId: r.affiliate_id!, campaignId: r.campaign_id!, matchedBy,
        });
        if (r.enrollment_status) enrollments.set(r.enrollment_id!, r.enrollment_status);
        if (r.campaign_status) {
          campaigns.set(r.campaign_id!, {
            status: r.campaign_status, attributionWindowDays: r.attribution_window_days!, currency: r.currency!,
            rule: { type: r.commission_type!, rateBps: r.commission_rate_bps, amountMinor: r.commission_amount_minor == null ? null : Number(r.commission_amount_minor) },
          });
        }
      }
      const { winner, explanation } = attribute({ order, clicks, referral, campaigns, enrollments, now });
      const won = winner.channel === Channel.AFFILIATE ? { click: winner.click, campaign: campaigns.get(winner.click.campaignId)! } : null;
      if (won && won.campaign.currency !== order.currency) {
        throw badInput(`The order is in ${order.currency} but the winning campaign pays in ${won.campaign.currency}`, {
          [field('currency')]: `must be ${won.campaign.currency}, the currency of the campaign the order is attributed to`,
        });
      }

      // 3. One atomic statement: event, order, conversion, commission, each written only if the
      //    one before it was new (a replayed event or a known order id writes nothing).
      const conversionId = uuidv7(now.getTime());
      const commissionId = won ? uuidv7(now.getTime()) : null;
      const outcome: OrderOutcome = { conversion: { id: conversionId, channel: winner.channel, commissionId } };
      const ctes: string[] = [];
      const values: unknown[] = [];
      if (event) {
        ctes.push(`ev as (insert into webhook_event (id, merchant_id, event_id, type, response, created_at) values (?, ?, ?, ?, ?::jsonb, ?)
                          on conflict (merchant_id, event_id) do nothing returning id)`);
        values.push(uuidv7(now.getTime()), merchantId, event.id, event.type, json(outcome), now);
      }
      ctes.push(`o as (insert into store_order (id, merchant_id, external_id, amount_minor, currency, occurred_at, click_id, visitor_id, referral_code, customer_id, created_at)
                       select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? ${event ? 'where exists (select 1 from ev)' : ''}
                       on conflict (merchant_id, external_id) do nothing returning id)`);
      values.push(uuidv7(now.getTime()), merchantId, order.id, order.amountMinor, order.currency, order.occurredAt, order.clickId, order.visitorId, order.referralCode, order.customerId, now);
      ctes.push(`cv as (insert into conversion (id, merchant_id, order_id, order_external_id, channel, occurred_at, amount_minor, currency,
                                                enrollment_id, affiliate_id, campaign_id, winning_click_id, referral_code_id, referrer_customer_id, explanation, created_at)
                        select ?, ?, o.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ? from o returning id)`);
      values.push(
        conversionId, merchantId, order.id, winner.channel, order.occurredAt, order.amountMinor, order.currency,
        won?.click.enrollmentId ?? null, won?.click.affiliateId ?? null, won?.click.campaignId ?? null, won?.click.clickId ?? null,
        winner.channel === Channel.REFERRAL ? winner.referral.id : null, winner.channel === Channel.REFERRAL ? winner.referral.customerId : null,
        json(explanation), now,
      );
      if (won) {
        const accrual = this.accrual.accrualStatement({
          id: commissionId!, merchantId, enrollmentId: won.click.enrollmentId, affiliateId: won.click.affiliateId,
          campaignId: won.click.campaignId, currency: order.currency, orderAmountMinor: order.amountMinor, rule: won.campaign.rule, now,
        });
        ctes.push(`cm as (${accrual.sql})`);
        values.push(...accrual.params);
      }
      const [flags] = await exec<{ event_claimed: boolean; order_created: boolean }>(
        `with ${ctes.join(',\n')}
         select ${event ? 'exists (select 1 from ev)' : 'true'} as event_claimed, exists (select 1 from o) as order_created`,
        values,
      );
      if (!flags!.event_claimed) {
        // A replay. The first delivery stored the answer it computed before writing; if that
        // delivery found the order already recorded, it is replacing that answer with the
        // existing conversion's right now: answer that conversion, as it will.
        const stored = await this.storedResponse<OrderOutcome>(exec, merchantId, event!.id);
        const [known] = await exec(`select 1 from conversion where id = ?::uuid`, [stored.conversion.id]);
        return known ? stored : this.conversionSummary(exec, merchantId, order.id);
      }
      if (flags!.order_created) return outcome;
      // The order was recorded before (another event id, or recordOrder): answer its conversion.
      const existing = await this.conversionSummary(exec, merchantId, order.id);
      if (event) await exec(`update webhook_event set response = ?::jsonb where merchant_id = ? and event_id = ?`, [json(existing), merchantId, event.id]);
      return existing;
    });
  }

  private async conversionSummary(exec: Exec, merchantId: string, orderExternalId: string): Promise<OrderOutcome> {
    const [row] = await exec<{ id: string; channel: Channel }>(
      `select id, channel from conversion where merchant_id = ? and order_external_id = ?`,
      [merchantId, orderExternalId],
    );
    if (!row) throw notFound('Order');
    const commission = await this.accrual.commissionOf(exec, row.id);
    return { conversion: { id: row.id, channel: row.channel, commissionId: commission?.id ?? null } };
  }

  private async ingestRefund(em: EntityManager, merchantId: string, refund: RefundInput, event: { id: string; type: string } | null, now: Date): Promise<RefundOutcome> {
    const result = await em.transactional(async (tx) => {
      // The order row is locked: refunds of one order apply one at a time.
      const [order] = await tx.execute<{ id: string; amount_minor: string; conversion_id: string; channel: Channel }[]>(
        `select o.id, o.amount_minor, cv.id as conversion_id, cv.channel
           from store_order o join conversion cv on cv.order_id = o.id
          where o.merchant_id = ? and o.external_id = ? for update of o`,
        [merchantId, refund.orderId],
      );
      if (!order) {
        if (event) {
          const [seen] = await tx.execute(`select 1 from webhook_event where merchant_id = ? and event_id = ?`, [merchantId, event.id]);
          if (seen) return { replayOf: event.id } as const;
        }
        throw conflict('The order of this refund has not been recorded yet; deliver the order first, then retry the refund', {
          [event ? 'order.id' : 'orderId']: 'is not a recorded order (yet)',
        });
      }
      const refundRowId = uuidv7(now.getTime());
      const eventCte = event
        ? `ev as (insert into webhook_event (id, merchant_id, event_id, type, response, created_at) values (?, ?, ?, ?, 'null'::jsonb, ?)
                   on conflict (merchant_id, event_id) do nothing returning id),`
        : '';
      const [flags] = await tx.execute<{ event_claimed: boolean; refund_created: boolean; existing_order_id: string | null }[]>(
        `with ${eventCte}
         r as (insert into refund (id, merchant_id, external_id, order_id, amount_minor, occurred_at, created_at)
               select ?, ?, ?, ?, ?, ?, ? ${event ? 'where exists (select 1 from ev)' : ''}
               on conflict (merchant_id, external_id) do nothing returning id)
         select ${event ? 'exists (select 1 from ev)' : 'true'} as event_claimed, exists (select 1 from r) as refund_created,
                (select order_id from refund where merchant_id = ? and external_id = ?) as existing_order_id`,
        [
          ...(event ? [uuidv7(now.getTime()), merchantId, event.id, event.type, now] : []),
          refundRowId, merchantId, refund.id, order.id, refund.amountMinor, refund.occurredAt, now,
          merchantId, refund.id,
        ],
      );
      if (!flags!.event_claimed) return { replayOf: event!.id } as const;
      if (!flags!.refund_created && flags!.existing_order_id && flags!.existing_order_id !== order.id) {
        throw conflict('This refund id was already recorded for another order', { [event ? 'refund.id' : 'id']: 'belongs to another order' });
      }
      let commission: RefundOutcome['commission'];
      if (flags!.refund_created) {
        const [sum] = await tx.execute<{ total: string }[]>(`select coalesce(sum(amount_minor), 0) as total from refund where order_id = ?`, [order.id]);
        commission = await this.accrual.applyRefund(emExec(tx), {
          merchantId, conversionId: order.conversion_id, orderAmountMinor: Number(order.amount_minor), refundedTotalMinor: Number(sum!.total),
          refundRowId, reason: `Refund ${refund.id} of ${refund.amountMinor} on order ${refund.orderId}`, now,
        });
      } else commission = await this.accrual.commissionOf(emExec(tx), order.conversion_id);
      const outcome: RefundOutcome = {
        conversion: { id: order.conversion_id, channel: order.channel, commissionId: commission?.id ?? null },
        refund: { id: refund.id },
        commission,
      };
      if (event) await tx.execute(`update webhook_event set response = ?::jsonb where merchant_id = ? and event_id = ?`, [json(outcome), merchantId, event.id], 'run');
      return outcome;
    });
    if ('replayOf' in result) return this.storedResponse<RefundOutcome>(emExec(em), merchantId, result.replayOf);
    return result;
  }

  // ---- Webhook secret ----

  /** A new order-webhook secret, replacing the old one at once; the only time it is shown. */
  async rotateWebhookSecret(em: EntityManager, merchantId: string, now: Date): Promise<string> {
    const secret = newToken('whsec_');
    await em.execute(
      `insert into order_webhook_secret (merchant_id, secret, rotated_at) values (?, ?, ?)
       on conflict (merchant_id) do update set secret = excluded.secret, rotated_at = excluded.rotated_at`,
      [merchantId, secret, now],
      'run',
    );
    this.secrets.set(merchantId, { secret, at: Date.now() });
    return secret;
  }

  /**
   * For signature verification only. Cached per process for SECRET_CACHE_MS; a signature that
   * fails against a cached secret is checked again against the stored one (`fresh`), so a
   * rotation made by another process is picked up at once, and the old secret keeps working
   * elsewhere for at most SECRET_CACHE_MS.
   */
  async webhookSecret(em: EntityManager, merchantId: string, now = Date.now(), fresh = false): Promise<{ secret: string; cached: boolean } | null> {
    if (!isUuid(merchantId)) return null;
    const hit = this.secrets.get(merchantId);
    if (hit && !fresh && now - hit.at < SECRET_CACHE_MS) return { secret: hit.secret, cached: true };
    const [row] = await em.execute<{ secret: string }[]>(`select secret from order_webhook_secret where merchant_id = ?`, [merchantId]);
    if (!row) {
      this.secrets.delete(merchantId);
      return null;
    }
    if (this.secrets.size > 10_000) this.secrets.clear();
    this.secrets.set(merchantId, { secret: row.secret, at: now });
    return { secret: row.secret, cached: false };
  }

  // ---- Reads ----

  conversions(em: EntityManager, merchantId: string, filter: { channel?: Channel; affiliateId?: string }, args: PageArgs) {
    em.setFilterParams(TENANT, { merchantId });
    return paginateQuery(() => {
      const qb = em.createQueryBuilder(Conversion, 'cv').where({ merchant: merchantId });
      if (filter.channel) qb.andWhere({ channel: filter.channel });
      if (filter.affiliateId) qb.andWhere({ affiliate: filter.affiliateId });
      return qb;
    }, args);
  }
}
