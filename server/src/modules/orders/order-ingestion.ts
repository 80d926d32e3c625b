import type { EntityManager } from '@mikro-orm/postgresql';
import { Batcher } from '../../db/batcher.js';
import { chargeQueriesTo, currentQueryCounts, type QueryCount } from '../../db/query-counter.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { readTogether, withConnection, type Exec, type ReadPart } from '../../db/sql-runner.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isUuid, uuidv7 } from '../../ids.js';
import type { AttributionTerms } from '../campaigns/index.js';
import { Channel, type CandidateClickRow, type ClickLookup } from '../tracking/index.js';
import type { PromotionCodeEnrollment } from '../applications/index.js';
import { attribute, type AttributionExplanation, type CandidateClick, type CandidatePromotion, type MatchedBy } from './attribution.engine.js';
import { json, type EventRef, type OrderInput, type OrderOutcome } from './order-input.js';
import type { AccrualInput, AttributionSources, CommissionAccrual, ConversionRollup } from './ports.js';
import { renewal } from './recurring.js';
import { storedResponse } from './webhook-events.js';

/** How far ahead of the server clock an order may be dated (store clocks and time zones drift). */
export const MAX_ORDER_AHEAD_MS = 24 * 3600_000;
/** Candidate clicks loaded per order: a visitor's latest ones (plus the order's own click id). */
export const MAX_CANDIDATE_CLICKS = 100;

/** A customer referral code an order names, found in the batch's one read. */
interface ReferralRow {
  /** The order's place in its batch. */
  i: number;
  id: string;
  code: string;
  customer_id: string;
}

/** Per order (`i`), the referral code it names: the CTE `or_referrals` of the batch's read. */
const referrals = (codes: readonly { i: number; merchantId: string; code: string }[]): ReadPart<ReferralRow[]> => ({
  name: 'or_referrals',
  sql: `or_referrals as (
    select j.i, r.id, r.code, r.customer_id
      from unnest(?::int[], ?::uuid[], ?::text[]) as j(i, merchant_id, code)
      join referral_code r on r.merchant_id = j.merchant_id and r.code = j.code)`,
  params: [pgArray(codes.map((c) => c.i)), pgArray(codes.map((c) => c.merchantId)), pgTextArray(codes.map((c) => c.code))],
  read: (rows) => rows as unknown as ReferralRow[],
});

/** A subscription's first paid order (the earliest billing period recorded) and what its conversion credited. */
interface FirstPaymentRow {
  /** The order's place in its batch. */
  i: number;
  external_id: string;
  occurred_at: string;
  period_start: string;
  channel: Channel;
  enrollment_id: string | null;
  affiliate_id: string | null;
  campaign_id: string | null;
}

/**
 * Per order (`i`) of a subscription, that subscription's first paid order with its conversion:
 * the CTE `or_firsts` of the batch's read (our own tables; the enrollment's status and the
 * campaign's terms come through their owners' ports like a click's).
 */
const firstPayments = (subscriptions: readonly { i: number; merchantId: string; id: string }[]): ReadPart<FirstPaymentRow[]> => ({
  name: 'or_firsts',
  sql: `or_firsts as (
    select j.i, j.merchant_id, f.external_id, f.occurred_at, f.period_start, cv.channel, cv.enrollment_id, cv.affiliate_id, cv.campaign_id
      from unnest(?::int[], ?::uuid[], ?::text[]) as j(i, merchant_id, subscription_id)
     cross join lateral (select o.id, o.external_id, o.occurred_at, o.period_start from store_order o
                          where o.merchant_id = j.merchant_id and o.subscription_id = j.subscription_id
                          order by o.period_start, o.id limit 1) f
      join conversion cv on cv.order_id = f.id)`,
  params: [pgArray(subscriptions.map((c) => c.i)), pgArray(subscriptions.map((c) => c.merchantId)), pgTextArray(subscriptions.map((c) => c.id))],
  read: (rows) => rows as unknown as FirstPaymentRow[],
});

/**
 * What one order's attribution reads: its candidate clicks, its referral code, the enrollment of
 * its promotion code, its subscription's first payment, and the enrollments and campaigns they name.
 */
interface Touches {
  clicks: CandidateClickRow[];
  referral: ReferralRow | null;
  promotion: PromotionCodeEnrollment | null;
  first: FirstPaymentRow | null;
  enrollments: ReadonlyMap<string, string>;
  campaigns: ReadonlyMap<string, AttributionTerms>;
}

/** What an order naming no click, visitor, code or subscription is attributed from. */
const NO_TOUCHES: Touches = { clicks: [], referral: null, promotion: null, first: null, enrollments: new Map(), campaigns: new Map() };

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
 * One atomic statement for a whole batch: events, orders and conversions, each row written only
 * if the one before it was new (a replayed event or a known order id writes nothing; so does the
 * second of two such duplicates inside one batch), then `parts`: the CTEs of the modules that
 * write with the conversions (commissions, figures), over `cv`, the conversions it wrote.
 * Answers, per order, whether its event was claimed and its order (with its conversion) created.
 */
const writeStatement = (parts: readonly string[]) => `
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
           from x join o on o.id = x.order_row_id returning id)${parts.map((part) => `,\n  ${part}`).join('')}
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
 * written go together in the next one, which costs two statements whatever its size: one read
 * of the candidate touches, composed of their owners' ports (see `touches`), then one atomic
 * insert of events, orders and conversions carrying the commissions' accrual and the figures.
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
    private readonly sources: AttributionSources,
    private readonly rollup?: ConversionRollup,
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
        await this.sources.clicks.awaitServedClicks(); // begun after every order of the group arrived
        this.intake.submitAll(group.map((g) => g.job)).forEach((outcome, i) => outcome.then(group[i]!.resolve, group[i]!.reject));
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.clickWait = undefined;
  }

  /**
   * A batch of orders (one when traffic is light) in the same statements whatever its size: the
   * candidate touches of all of them, then, after each order's attribution, one write (with its
   * accrual). Each order is answered on its own: a refused one (currency) does not hold back the
   * others, and when the write fails (it wrote nothing: one statement, or one transaction, is all
   * or nothing) the orders are taken again one by one, so only the one at fault fails.
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
          planned.push({ i, plan: this.attribute(job, touches(i)) });
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

  /**
   * What each order of the batch (by its index) is attributed from, in one statement whatever
   * the batch's size (readTogether): the candidate clicks (tracking's port), the referral codes
   * (our own table), the enrollments of promotion codes (the applications port), the first
   * payments of subscriptions (our own tables), then the statuses of all those touches'
   * enrollments and their campaigns' terms with durations (the applications and campaigns ports,
   * over `or_touched`). Orders without click, visitor, code or subscription read nothing.
   */
  private async touches(exec: Exec, jobs: OrderJob[]): Promise<(i: number) => Touches> {
    const lookups: ClickLookup[] = [];
    const codes: { i: number; merchantId: string; code: string }[] = [];
    const coupons: { i: number; merchantId: string; code: string }[] = [];
    const subscriptions: { i: number; merchantId: string; id: string }[] = [];
    jobs.forEach(({ merchantId, order }, i) => {
      const clickId = clickIdOf(order);
      if (clickId || order.visitorId) lookups.push({ i, merchantId, visitorId: order.visitorId, clickId, placedAt: order.occurredAt });
      if (order.referralCode) codes.push({ i, merchantId, code: order.referralCode });
      if (order.couponCode) coupons.push({ i, merchantId, code: order.couponCode });
      if (order.subscription) subscriptions.push({ i, merchantId, id: order.subscription.id });
    });
    if (!lookups.length && !codes.length && !coupons.length && !subscriptions.length) return () => NO_TOUCHES;
    const clickPart = this.sources.clicks.candidateClicks(lookups, MAX_CANDIDATE_CLICKS);
    const promotionPart = this.sources.enrollments.promotionCodeEnrollments(coupons);
    // The enrollments and campaigns every touch names, each asked of its owner once for the batch.
    const touched = {
      sql: `or_touched as (select merchant_id, enrollment_id, campaign_id from ${clickPart.name}
                           union select merchant_id, enrollment_id, campaign_id from ${promotionPart.name}
                           union select merchant_id, enrollment_id, campaign_id from or_firsts where enrollment_id is not null and campaign_id is not null)`,
      params: [],
    };
    const [clicks, referralRows, promotions, firsts, , enrollments, campaigns] = await readTogether(exec, [
      clickPart,
      referrals(codes),
      promotionPart,
      firstPayments(subscriptions),
      touched,
      this.sources.enrollments.enrollmentStatuses('or_touched'),
      this.sources.campaigns.attributionTerms('or_touched'),
    ] as const);
    const clicksOf = new Map<number, CandidateClickRow[]>();
    for (const c of clicks) clicksOf.set(c.i, [...(clicksOf.get(c.i) ?? []), c]);
    const referralOf = new Map(referralRows.map((r) => [r.i, r]));
    const promotionOf = new Map(promotions.map((p) => [p.i, p]));
    const firstOf = new Map(firsts.map((f) => [f.i, f]));
    return (i) => ({
      clicks: clicksOf.get(i) ?? [],
      referral: referralOf.get(i) ?? null,
      promotion: promotionOf.get(i) ?? null,
      first: firstOf.get(i) ?? null,
      enrollments,
      campaigns,
    });
  }

  /** The decision for one order (pure), and the row that records it. */
  private attribute(job: OrderJob, touches: Touches): PlannedOrder {
    const { merchantId, order, event, now } = job;
    const clickId = clickIdOf(order);
    const { campaigns, enrollments, first } = touches;
    const clicks: CandidateClick[] = touches.clicks.map((c) => {
      const matchedBy: MatchedBy[] = [];
      if (clickId && c.clickId === clickId) matchedBy.push('clickId');
      if (order.visitorId && c.visitorId === order.visitorId) matchedBy.push('visitorId');
      return {
        clickId: c.clickId,
        occurredAt: c.occurredAt,
        isBot: c.isBot,
        enrollmentId: c.enrollmentId,
        affiliateId: c.affiliateId,
        campaignId: c.campaignId,
        matchedBy,
      };
    });
    const referral = touches.referral && { id: touches.referral.id, code: touches.referral.code, customerId: touches.referral.customer_id };
    const promotion: CandidatePromotion | null = touches.promotion && {
      code: touches.promotion.code,
      enrollmentId: touches.promotion.enrollmentId,
      affiliateId: touches.promotion.affiliateId,
      campaignId: touches.promotion.campaignId,
    };
    // A later payment of a subscription follows its first (another order, of an earlier or the same period); the first is attributed by its touches.
    const periodStart = order.subscription?.periodStart;
    const firstTerms = first?.campaign_id ? campaigns.get(first.campaign_id) : undefined;
    const renewed =
      first && periodStart && first.external_id !== order.id && new Date(first.period_start).getTime() <= periodStart.getTime()
        ? renewal(
            {
              occurredAt: new Date(first.occurred_at),
              periodStart: new Date(first.period_start),
              channel: first.channel,
              enrollmentId: first.enrollment_id,
              affiliateId: first.affiliate_id,
              campaignId: first.campaign_id,
              enrollmentStatus: (first.enrollment_id && enrollments.get(first.enrollment_id)) || null,
              campaignStatus: firstTerms?.status ?? null,
              duration: firstTerms?.rule.duration ?? null,
              durationMonths: firstTerms?.rule.durationMonths ?? null,
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

  /**
   * The batch's write, one statement: with commissions to accrue, it carries their accrual and
   * the figures (the commissions' and analytics' CTEs over the conversions it writes), so a
   * commission exists exactly when its conversion does. Per order (by index): event claimed,
   * order created.
   */
  private async write(exec: Exec, planned: { i: number; plan: PlannedOrder }[]) {
    const column = (name: OrderColumn) =>
      pgTextArray(planned.map(({ i, plan }) => (name === 'i' ? String(i) : plan.columns[name] === null ? null : String(plan.columns[name]))));
    const accrued = planned.flatMap(({ plan }) => (plan.accrual ? [{ accrual: plan.accrual, occurredAt: plan.job.order.occurredAt }] : []));
    const parts = accrued.length
      ? [
          this.accrual.accrual(
            accrued.map((a) => a.accrual),
            'cv',
          ),
          ...(this.rollup
            ? [
                this.rollup.conversionsRecorded(
                  accrued.map(({ accrual: a, occurredAt }) => ({
                    conversionId: a.conversionId,
                    merchantId: a.merchantId,
                    campaignId: a.campaignId,
                    enrollmentId: a.enrollmentId,
                    affiliateId: a.affiliateId,
                    occurredAt,
                    amountMinor: a.orderAmountMinor,
                    commissionMinor: this.accrual.amountOf(a),
                  })),
                  'cv',
                ),
              ]
            : []),
        ]
      : [];
    const rows = await exec<{ i: number; event_claimed: boolean; order_created: boolean }>(writeStatement(parts.map((p) => p.sql)), [
      ...ORDER_COLUMNS.map(([name]) => column(name)),
      ...parts.flatMap((p) => p.params),
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
