import type { EntityManager } from '@mikro-orm/postgresql';
import { Batcher } from '../../db/batcher.js';
import { chargeQueriesTo, currentQueryCounts, type QueryCount } from '../../db/query-counter.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { withConnection, type Exec } from '../../db/sql-runner.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isUuid, uuidv7 } from '../../ids.js';
import type { CommissionDuration, CommissionType } from '../campaigns/index.js';
import { Channel } from '../tracking/index.js';
import {
  attribute,
  type AttributionExplanation,
  type CandidateCampaign,
  type CandidateClick,
  type CandidatePromotion,
  type MatchedBy,
} from './attribution.engine.js';
import { json, type EventRef, type OrderInput, type OrderOutcome } from './order-input.js';
import type { AccrualInput, CommissionAccrual, ServedClicks } from './ports.js';
import { renewal } from './recurring.js';
import { storedResponse } from './webhook-events.js';

/** How far ahead of the server clock an order may be dated (store clocks and time zones drift). */
export const MAX_ORDER_AHEAD_MS = 24 * 3600_000;
/** Candidate clicks loaded per order: a visitor's latest ones (plus the order's own click id). */
export const MAX_CANDIDATE_CLICKS = 100;

interface TouchRow {
  /** The order's place in its batch. */
  i: number;
  kind: 'click' | 'referral' | 'promotion' | 'subscription';
  /** click: the click; referral: the code's row; promotion: the enrollment; subscription: the first order. */
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
  /** referral and promotion: the code; subscription: the first order's store id. */
  code: string | null;
  customer_id: string | null;
  commission_duration: CommissionDuration | null;
  commission_duration_months: number | null;
  /** subscription: the first order's billing period and its conversion's channel. */
  period_start: Date | null;
  first_channel: Channel | null;
}

/**
 * The candidate touches of a batch of orders, in one statement: per order (`i`), its clicks by
 * click id or visitor id (an indexed lookup each), its referral code, the enrollment whose
 * promotion code it used, and its subscription's first paid order (earliest billing period)
 * with that order's attribution.
 */
const TOUCHES_SQL = `
  select j.i, t.* from unnest(?::int[], ?::uuid[], ?::text[], ?::uuid[], ?::timestamptz[]) as j(i, merchant_id, visitor_id, click_id, placed_at)
   cross join lateral (
     select 'click' as kind, c.id, c.occurred_at, c.is_bot, c.enrollment_id, c.affiliate_id, c.campaign_id, c.visitor_id,
            e.status::text as enrollment_status, k.status::text as campaign_status, k.attribution_window_days, k.currency,
            k.commission_type::text as commission_type, k.commission_rate_bps, k.commission_amount_minor,
            null::text as code, null::text as customer_id, k.commission_duration::text as commission_duration, k.commission_duration_months,
            null::timestamptz as period_start, null::text as first_channel
       from (select * from click
              where merchant_id = j.merchant_id and (visitor_id = j.visitor_id or id = j.click_id)
              order by occurred_at > j.placed_at, occurred_at desc limit ${MAX_CANDIDATE_CLICKS}) c
       left join enrollment e on e.id = c.enrollment_id
       left join campaign k on k.id = c.campaign_id) t
  union all
  select j.i, 'referral', r.id, null, null, null, null, null, null, null, null, null, null, null, null, null, r.code, r.customer_id, null, null, null, null
    from unnest(?::int[], ?::uuid[], ?::text[]) as j(i, merchant_id, code)
    join referral_code r on r.merchant_id = j.merchant_id and r.code = j.code
  union all
  select j.i, 'promotion', e.id, null, null, e.id, e.affiliate_id, e.campaign_id, null, e.status::text, k.status::text, k.attribution_window_days, k.currency,
         k.commission_type::text, k.commission_rate_bps, k.commission_amount_minor, e.promotion_code, null, k.commission_duration::text, k.commission_duration_months, null, null
    from unnest(?::int[], ?::uuid[], ?::text[]) as j(i, merchant_id, code)
    join enrollment e on e.merchant_id = j.merchant_id and lower(e.promotion_code) = lower(j.code) and e.promotion_code is not null
    join campaign k on k.id = e.campaign_id
  union all
  select j.i, 'subscription', f.id, f.occurred_at, null, cv.enrollment_id, cv.affiliate_id, cv.campaign_id, null, e.status::text, k.status::text,
         k.attribution_window_days, k.currency, k.commission_type::text, k.commission_rate_bps, k.commission_amount_minor, f.external_id, null,
         k.commission_duration::text, k.commission_duration_months, f.period_start, cv.channel::text
    from unnest(?::int[], ?::uuid[], ?::text[]) as j(i, merchant_id, subscription_id)
   cross join lateral (select o.id, o.external_id, o.occurred_at, o.period_start from store_order o
                        where o.merchant_id = j.merchant_id and o.subscription_id = j.subscription_id
                        order by o.period_start, o.id limit 1) f
    join conversion cv on cv.order_id = f.id
    left join enrollment e on e.id = cv.enrollment_id
    left join campaign k on k.id = cv.campaign_id`;

/** A batch's rows as columns: one array parameter each, in this order (see writeStatement). */
const ORDER_COLUMNS = [
  ['i', 'int'],
  ['merchant_id', 'uuid'],
  ['event_id', 'text'],
  ['event_type', 'text'],
  ['body_hash', 'text'],
  ['response', 'text'],
  ['event_row_id', 'uuid'],
  ['order_row_id', 'uuid'],
  ['external_id', 'text'],
  ['amount_minor', 'bigint'],
  ['currency', 'text'],
  ['occurred_at', 'timestamptz'],
  ['click_id', 'text'],
  ['visitor_id', 'text'],
  ['referral_code', 'text'],
  ['customer_id', 'text'],
  ['coupon_code', 'text'],
  ['subscription_id', 'text'],
  ['period_start', 'timestamptz'],
  ['conversion_id', 'uuid'],
  ['channel', 'channel'],
  ['enrollment_id', 'uuid'],
  ['affiliate_id', 'uuid'],
  ['campaign_id', 'uuid'],
  ['winning_click_id', 'uuid'],
  ['referral_code_id', 'uuid'],
  ['referrer_customer_id', 'text'],
  ['explanation', 'text'],
  ['created_at', 'timestamptz'],
] as const;
type OrderColumn = (typeof ORDER_COLUMNS)[number][0];

/**
 * One atomic statement for a whole batch: events, orders, conversions and commissions, each row
 * written only if the one before it was new (a replayed event or a known order id writes nothing;
 * so does the second of two such duplicates inside one batch). Answers, per order, whether its
 * event was claimed and its order created.
 */
const writeStatement = (commissions: string) => `
  with x as (select * from unnest(${ORDER_COLUMNS.map(([, type]) => `?::${type}[]`).join(', ')}) as x(${ORDER_COLUMNS.map(([name]) => name).join(', ')})),
  ev as (insert into webhook_event (id, merchant_id, event_id, type, body_hash, response, created_at)
         select event_row_id, merchant_id, event_id, event_type, body_hash, response::jsonb, created_at from x where event_id is not null
         on conflict (merchant_id, event_id) do nothing returning id),
  o as (insert into store_order (id, merchant_id, external_id, amount_minor, currency, occurred_at, click_id, visitor_id, referral_code, customer_id,
                                 coupon_code, subscription_id, period_start, created_at)
        select order_row_id, merchant_id, external_id, amount_minor, currency, occurred_at, click_id, visitor_id, referral_code, customer_id,
               coupon_code, subscription_id, period_start, created_at
          from x where event_id is null or event_row_id in (select id from ev)
        on conflict (merchant_id, external_id) do nothing returning id),
  cv as (insert into conversion (id, merchant_id, order_id, order_external_id, channel, occurred_at, amount_minor, currency,
                                 enrollment_id, affiliate_id, campaign_id, winning_click_id, referral_code_id, referrer_customer_id, explanation, created_at)
         select x.conversion_id, x.merchant_id, x.order_row_id, x.external_id, x.channel, x.occurred_at, x.amount_minor, x.currency,
                x.enrollment_id, x.affiliate_id, x.campaign_id, x.winning_click_id, x.referral_code_id, x.referrer_customer_id, x.explanation::jsonb, x.created_at
           from x join o on o.id = x.order_row_id returning id),
  cm as (${commissions})
  select x.i, (x.event_id is null or x.event_row_id in (select id from ev)) as event_claimed, x.order_row_id in (select id from o) as order_created from x`;

/** Orders written per batch, and batches written at once (each holds a pooled connection). */
export const ORDER_BATCH_MAX = 100;
export const ORDER_BATCH_CONCURRENCY = 2;

/** The store's order fields a recorded order is compared with when its id comes again. */
const ORDER_FIELDS = [
  'amountMinor',
  'currency',
  'occurredAt',
  'clickId',
  'visitorId',
  'referralCode',
  'customerId',
  'couponCode',
  'subscriptionId',
  'periodStart',
] as const;

/** An order's fields as compared with a recorded one (times in ms, absent as null). */
const comparable = (order: OrderInput): Record<(typeof ORDER_FIELDS)[number], unknown> => ({
  amountMinor: order.amountMinor,
  currency: order.currency,
  occurredAt: order.occurredAt.getTime(),
  clickId: order.clickId,
  visitorId: order.visitorId,
  referralCode: order.referralCode,
  customerId: order.customerId,
  couponCode: order.couponCode ?? null,
  subscriptionId: order.subscription?.id ?? null,
  periodStart: order.subscription?.periodStart.getTime() ?? null,
});

/** The order's click id when it can name a click (ours are UUIDs); anything else matches none. */
const clickIdOf = (order: OrderInput) => (order.clickId && isUuid(order.clickId) ? order.clickId.toLowerCase() : null);

/** One order on its way in: validated, waiting for its batch. */
interface OrderJob {
  em: EntityManager;
  /** The statement counters of the request it came with: a batch is charged to all of its requests. */
  queryCounts: readonly QueryCount[];
  merchantId: string;
  order: OrderInput;
  event: EventRef | null;
  now: Date;
}

/** What attribution decided for one order: its row in the batch's write and its answer. */
interface PlannedOrder {
  job: OrderJob;
  outcome: OrderOutcome;
  columns: Record<Exclude<OrderColumn, 'i'>, string | number | null>;
  accrual: AccrualInput | null;
}

/**
 * Orders in: attribution and the conversion row; the commission itself is written through
 * `CommissionAccrual`. Orders are group-committed: those that arrive while a batch is being
 * written go together in the next one, which costs two statements whatever its size (the
 * candidate touches, then one atomic insert of events, orders, conversions and commissions).
 */
export class OrderIngestion {
  private readonly intake = new Batcher<OrderJob, OrderOutcome>((jobs) => this.ingestBatch(jobs), {
    maxBatch: ORDER_BATCH_MAX,
    concurrency: ORDER_BATCH_CONCURRENCY,
  });

  private awaitingClicks: { job: OrderJob; resolve: (outcome: OrderOutcome) => void; reject: (err: unknown) => void }[] = [];
  private clickWait: Promise<void> | undefined;

  constructor(
    private readonly accrual: CommissionAccrual,
    private readonly clicks: ServedClicks,
  ) {}

  async ingest(em: EntityManager, merchantId: string, order: OrderInput, event: EventRef | null, now: Date): Promise<OrderOutcome> {
    if (order.occurredAt.getTime() > now.getTime() + MAX_ORDER_AHEAD_MS) {
      throw badInput('occurredAt is more than 24 hours ahead of the server clock', {
        [event ? 'order.occurredAt' : 'occurredAt']: 'is more than 24 hours in the future',
      });
    }
    const job = { em, queryCounts: currentQueryCounts(), merchantId, order, event, now };
    return clickIdOf(order) || order.visitorId ? this.afterServedClicks(job) : this.intake.submit(job);
  }

  /**
   * An order naming a click or a visitor is attributed as if every click served before it
   * arrived were stored; the click log buffers them, so it waits for those first (outside the
   * intake, where it would hold up orders that need no clicks). Orders arriving while one wait
   * is under way share the next, then enter the intake together (one batch). A refusal
   * (UNAVAILABLE) has written nothing, so the store can retry.
   */
  private afterServedClicks(job: OrderJob): Promise<OrderOutcome> {
    return new Promise((resolve, reject) => {
      this.awaitingClicks.push({ job, resolve, reject });
      this.clickWait ??= this.waitForClicks();
    });
  }

  private async waitForClicks(): Promise<void> {
    // Orders arriving in this turn of the event loop join the first wait.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.awaitingClicks.length) {
      const group = this.awaitingClicks.splice(0);
      try {
        await this.clicks.awaitServedClicks(); // begun after every order of the group arrived
        this.intake.submitAll(group.map((g) => g.job)).forEach((outcome, i) => outcome.then(group[i]!.resolve, group[i]!.reject));
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.clickWait = undefined;
  }

  /**
   * A batch of orders (one when traffic is light) in two statements whatever its size: the
   * candidate touches of all of them, then, after each order's attribution, one write. Each
   * order is answered on its own: a refused one (currency) does not hold back the others, and
   * when a statement fails (it wrote nothing: one statement is all or nothing) the orders are
   * taken again one by one, so only the one at fault fails.
   */
  private async ingestBatch(jobs: OrderJob[]): Promise<PromiseSettledResult<OrderOutcome>[]> {
    try {
      return await chargeQueriesTo([...new Set(jobs.flatMap((j) => j.queryCounts))], () => this.ingestTogether(jobs));
    } catch (err) {
      if (jobs.length === 1) throw err;
      const results: PromiseSettledResult<OrderOutcome>[] = [];
      for (const job of jobs) {
        results.push(
          await chargeQueriesTo(job.queryCounts, () => this.ingestTogether([job])).then(
            ([only]) => only!,
            (reason: unknown) => ({ status: 'rejected', reason }) as const,
          ),
        );
      }
      return results;
    }
  }

  private ingestTogether(jobs: OrderJob[]): Promise<PromiseSettledResult<OrderOutcome>[]> {
    return withConnection(jobs[0]!.em, async (exec) => {
      const touches = await this.touches(exec, jobs);
      const results: PromiseSettledResult<OrderOutcome>[] = new Array(jobs.length);
      const planned: { i: number; plan: PlannedOrder }[] = [];
      jobs.forEach((job, i) => {
        try {
          planned.push({ i, plan: this.attribute(job, touches.get(i) ?? []) });
        } catch (reason) {
          results[i] = { status: 'rejected', reason };
        }
      });
      const flags = planned.length ? await this.write(exec, planned) : new Map();
      for (const p of planned) {
        try {
          results[p.i] = { status: 'fulfilled', value: await this.answer(exec, p.plan, flags.get(p.i)!) };
        } catch (reason) {
          results[p.i] = { status: 'rejected', reason };
        }
      }
      return results;
    });
  }

  /** Candidate touches per order of the batch (by its index), in one statement. */
  private async touches(exec: Exec, jobs: OrderJob[]): Promise<Map<number, TouchRow[]>> {
    const clicks: { i: number; merchantId: string; visitorId: string | null; clickId: string | null; placedAt: string }[] = [];
    const codes: { i: number; merchantId: string; code: string }[] = [];
    const coupons: { i: number; merchantId: string; code: string }[] = [];
    const subscriptions: { i: number; merchantId: string; id: string }[] = [];
    jobs.forEach(({ merchantId, order }, i) => {
      const clickId = clickIdOf(order);
      if (clickId || order.visitorId) clicks.push({ i, merchantId, visitorId: order.visitorId, clickId, placedAt: order.occurredAt.toISOString() });
      if (order.referralCode) codes.push({ i, merchantId, code: order.referralCode });
      if (order.couponCode) coupons.push({ i, merchantId, code: order.couponCode });
      if (order.subscription) subscriptions.push({ i, merchantId, id: order.subscription.id });
    });
    const byOrder = new Map<number, TouchRow[]>();
    // Nothing to look up without click, visitor, code or subscription.
    if (!clicks.length && !codes.length && !coupons.length && !subscriptions.length) return byOrder;
    const rows = await exec<TouchRow>(TOUCHES_SQL, [
      pgArray(clicks.map((c) => c.i)),
      pgArray(clicks.map((c) => c.merchantId)),
      pgTextArray(clicks.map((c) => c.visitorId)),
      pgTextArray(clicks.map((c) => c.clickId)),
      pgArray(clicks.map((c) => c.placedAt)),
      pgArray(codes.map((c) => c.i)),
      pgArray(codes.map((c) => c.merchantId)),
      pgTextArray(codes.map((c) => c.code)),
      pgArray(coupons.map((c) => c.i)),
      pgArray(coupons.map((c) => c.merchantId)),
      pgTextArray(coupons.map((c) => c.code)),
      pgArray(subscriptions.map((c) => c.i)),
      pgArray(subscriptions.map((c) => c.merchantId)),
      pgTextArray(subscriptions.map((c) => c.id)),
    ]);
    for (const r of rows) {
      const list = byOrder.get(r.i);
      if (list) list.push(r);
      else byOrder.set(r.i, [r]);
    }
    return byOrder;
  }

  /** The decision for one order (pure), and the row that records it. */
  private attribute(job: OrderJob, rows: TouchRow[]): PlannedOrder {
    const { merchantId, order, event, now } = job;
    const clickId = clickIdOf(order);
    const clicks: CandidateClick[] = [];
    const campaigns = new Map<string, CandidateCampaign & { currency: string; rule: AccrualInput['rule'] }>();
    const enrollments = new Map<string, string>();
    let referral: { id: string; code: string; customerId: string } | null = null;
    let promotion: CandidatePromotion | null = null;
    let first: TouchRow | null = null;
    for (const r of rows) {
      if (r.kind === 'referral') {
        referral = { id: r.id, code: r.code!, customerId: r.customer_id! };
        continue;
      }
      if (r.kind === 'subscription') first = r;
      else if (r.kind === 'promotion') promotion = { code: r.code!, enrollmentId: r.enrollment_id!, affiliateId: r.affiliate_id!, campaignId: r.campaign_id! };
      else {
        const matchedBy: MatchedBy[] = [];
        if (clickId && r.id === clickId) matchedBy.push('clickId');
        if (order.visitorId && r.visitor_id === order.visitorId) matchedBy.push('visitorId');
        clicks.push({
          clickId: r.id,
          occurredAt: new Date(r.occurred_at!),
          isBot: !!r.is_bot,
          enrollmentId: r.enrollment_id!,
          affiliateId: r.affiliate_id!,
          campaignId: r.campaign_id!,
          matchedBy,
        });
      }
      if (r.enrollment_status) enrollments.set(r.enrollment_id!, r.enrollment_status);
      if (r.campaign_status) {
        campaigns.set(r.campaign_id!, {
          status: r.campaign_status,
          attributionWindowDays: r.attribution_window_days!,
          currency: r.currency!,
          rule: {
            type: r.commission_type!,
            rateBps: r.commission_rate_bps,
            amountMinor: r.commission_amount_minor == null ? null : Number(r.commission_amount_minor),
          },
        });
      }
    }
    // A later payment of a subscription follows its first (another order, of an earlier or the same period); the first is attributed by its touches.
    const periodStart = order.subscription?.periodStart;
    const renewed =
      first && periodStart && first.code !== order.id && new Date(first.period_start!).getTime() <= periodStart.getTime()
        ? renewal(
            {
              occurredAt: new Date(first.occurred_at!),
              periodStart: new Date(first.period_start!),
              channel: first.first_channel!,
              enrollmentId: first.enrollment_id,
              affiliateId: first.affiliate_id,
              campaignId: first.campaign_id,
              enrollmentStatus: first.enrollment_status,
              campaignStatus: first.campaign_status,
              duration: first.commission_duration,
              durationMonths: first.commission_duration_months,
            },
            { occurredAt: order.occurredAt, periodStart },
            now,
          )
        : null;
    let credit: { enrollmentId: string; affiliateId: string; campaignId: string; clickId: string | null } | null = null;
    let channel: Channel;
    let referrer: { id: string; customerId: string } | null = null;
    let explanation: AttributionExplanation;
    if (renewed) {
      credit = renewed.credited && { ...renewed.credited, clickId: null };
      channel = credit ? Channel.AFFILIATE : Channel.NONE;
      explanation = renewed.explanation;
    } else {
      const result = attribute({ order, clicks, referral, promotion, campaigns, enrollments, now });
      const { winner } = result;
      explanation = result.explanation;
      channel = winner.channel;
      if (winner.channel === Channel.AFFILIATE) credit = 'click' in winner ? winner.click : { ...winner.promotion, clickId: null };
      if (winner.channel === Channel.REFERRAL) referrer = winner.referral;
    }
    const won = credit ? { credit, campaign: campaigns.get(credit.campaignId)! } : null;
    if (won && won.campaign.currency !== order.currency) {
      throw badInput(`The order is in ${order.currency} but the winning campaign pays in ${won.campaign.currency}`, {
        [event ? 'order.currency' : 'currency']: `must be ${won.campaign.currency}, the currency of the campaign the order is attributed to`,
      });
    }
    const conversionId = uuidv7(now.getTime());
    const commissionId = won ? uuidv7(now.getTime()) : null;
    const outcome: OrderOutcome = { conversion: { id: conversionId, channel, commissionId } };
    return {
      job,
      outcome,
      columns: {
        merchant_id: merchantId,
        event_id: event?.id ?? null,
        event_type: event?.type ?? null,
        body_hash: event?.hash ?? null,
        response: json(outcome),
        event_row_id: uuidv7(now.getTime()),
        order_row_id: uuidv7(now.getTime()),
        external_id: order.id,
        amount_minor: order.amountMinor,
        currency: order.currency,
        occurred_at: order.occurredAt.toISOString(),
        click_id: order.clickId,
        visitor_id: order.visitorId,
        referral_code: order.referralCode,
        customer_id: order.customerId,
        coupon_code: order.couponCode ?? null,
        subscription_id: order.subscription?.id ?? null,
        period_start: periodStart?.toISOString() ?? null,
        conversion_id: conversionId,
        channel,
        enrollment_id: won?.credit.enrollmentId ?? null,
        affiliate_id: won?.credit.affiliateId ?? null,
        campaign_id: won?.credit.campaignId ?? null,
        winning_click_id: won?.credit.clickId ?? null,
        referral_code_id: referrer?.id ?? null,
        referrer_customer_id: referrer?.customerId ?? null,
        explanation: json(explanation),
        created_at: now.toISOString(),
      },
      accrual: won
        ? {
            id: commissionId!,
            conversionId,
            merchantId,
            enrollmentId: won.credit.enrollmentId,
            affiliateId: won.credit.affiliateId,
            campaignId: won.credit.campaignId,
            currency: order.currency,
            orderAmountMinor: order.amountMinor,
            rule: won.campaign.rule,
            subscriptionId: order.subscription?.id ?? null,
            sequence: renewed?.sequence ?? 1,
            now,
          }
        : null,
    };
  }

  /** The batch's one write statement; per order (by index): event claimed, order created. */
  private async write(exec: Exec, planned: { i: number; plan: PlannedOrder }[]) {
    const accrual = this.accrual.accrualStatement(planned.flatMap((p) => (p.plan.accrual ? [p.plan.accrual] : [])));
    const column = (name: OrderColumn) =>
      pgTextArray(planned.map(({ i, plan }) => (name === 'i' ? String(i) : plan.columns[name] === null ? null : String(plan.columns[name]))));
    const rows = await exec<{ i: number; event_claimed: boolean; order_created: boolean }>(writeStatement(accrual.sql), [
      ...ORDER_COLUMNS.map(([name]) => column(name)),
      ...accrual.params,
    ]);
    return new Map(rows.map((r) => [r.i, r]));
  }

  /** The answer for an order once the batch is written: its new conversion, or the one recorded before. */
  private async answer(exec: Exec, { job, outcome, columns }: PlannedOrder, flags: { event_claimed: boolean; order_created: boolean }): Promise<OrderOutcome> {
    const { merchantId, order, event } = job;
    if (!flags.event_claimed) {
      // A replay. The first delivery stored the answer it computed before writing; if that
      // delivery found the order already recorded, it is replacing that answer with the
      // existing conversion's right now: answer that conversion, as it will.
      const stored = await storedResponse<OrderOutcome>(exec, merchantId, event!);
      const [known] = await exec(`select 1 from conversion where id = ?::uuid`, [stored.conversion.id]);
      return known ? stored : this.recordedOrder(exec, merchantId, order, event);
    }
    if (flags.order_created) return outcome;
    // The order was recorded before (another event id, or recordOrder): answer its conversion.
    try {
      const existing = await this.recordedOrder(exec, merchantId, order, event);
      if (event) await exec(`update webhook_event set response = ?::jsonb where merchant_id = ? and event_id = ?`, [json(existing), merchantId, event.id]);
      return existing;
    } catch (err) {
      // Refused (other content): the event this batch claimed for it is given back, so nothing stays written.
      if (event) await exec(`delete from webhook_event where id = ?::uuid`, [columns.event_row_id]);
      throw err;
    }
  }

  /** The answer for an order id recorded before, or CONFLICT when that order had other content. */
  private async recordedOrder(exec: Exec, merchantId: string, order: OrderInput, event: EventRef | null): Promise<OrderOutcome> {
    const [row] = await exec<
      { id: string; channel: Channel; amount_minor: string; currency: string; occurred_at: Date; period_start: Date | null } & Record<string, string | null>
    >(
      `select cv.id, cv.channel, o.amount_minor, o.currency, o.occurred_at, o.click_id, o.visitor_id, o.referral_code, o.customer_id,
              o.coupon_code, o.subscription_id, o.period_start
         from store_order o join conversion cv on cv.order_id = o.id where o.merchant_id = ? and o.external_id = ?`,
      [merchantId, order.id],
    );
    if (!row) throw notFound('Order');
    const recorded: Record<(typeof ORDER_FIELDS)[number], unknown> = {
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      occurredAt: new Date(row.occurred_at).getTime(),
      clickId: row.click_id,
      visitorId: row.visitor_id,
      referralCode: row.referral_code,
      customerId: row.customer_id,
      couponCode: row.coupon_code,
      subscriptionId: row.subscription_id,
      periodStart: row.period_start ? new Date(row.period_start).getTime() : null,
    };
    const sent = comparable(order);
    const differ = ORDER_FIELDS.filter((f) => recorded[f] !== sent[f]);
    if (differ.length) {
      throw conflict(`Order ${order.id} was already recorded with other content (${differ.join(', ')}); a different order needs its own id`, {
        [event ? 'order.id' : 'id']: `was already recorded with other content (${differ.join(', ')})`,
      });
    }
    const commission = await this.accrual.commissionOf(exec, row.id);
    return { conversion: { id: row.id, channel: row.channel, commissionId: commission?.id ?? null } };
  }
}
