import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { Batcher } from '../../db/batcher.js';
import { chargeQueriesTo, currentQueryCounts, type QueryCount } from '../../db/query-counter.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { badInput, conflict, notFound, parseInput } from '../../errors.js';
import { paginateQuery, type PageRequest } from '../../db/pagination.js';
import { isUuid, uuidv7 } from '../../ids.js';
import { MAX_AMOUNT_MINOR, isCurrency } from '../../money.js';
import { newToken } from '../auth/secrets.js';
import { SecretsBox, SecretsBoxError } from '../../secrets-box.js';
import type { CommissionType } from '../campaigns/campaign.enums.js';
import { attribute, type CandidateCampaign, type CandidateClick, type MatchedBy } from './attribution.engine.js';
import { Channel } from '../tracking/click.entity.js';
import { Conversion } from './conversion.entity.js';
import { emExec, withConnection, type Exec } from '../../db/sql-runner.js';

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
  .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date-time')
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'must fall between the years 1 and 9999');
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
  // 0 only for an order of 0 (its full refund): checked against the order.
  amountMinor: amount(0),
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
  /** The conversion it is for, written by the same statement. */
  conversionId: string;
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
   * The body of a data-modifying CTE (`?` placeholders) inserting the commissions of a batch's
   * AFFILIATE conversions (any number, none included; the text is the same whatever the count):
   * only those whose conversion the CTE named `cv` wrote (column `id`), so orders, conversions
   * and commissions are written by one atomic statement.
   */
  accrualStatement(inputs: readonly AccrualInput[]): { sql: string; params: unknown[] };
  /** Inside the refund's transaction (the order row locked): adjusts the conversion's commission, if any. */
  applyRefund(
    exec: Exec,
    input: { merchantId: string; conversionId: string; orderAmountMinor: number; refundedTotalMinor: number; refundRowId: string; reason: string; now: Date },
  ): Promise<RefundOutcome['commission']>;
  /** The commission of a conversion, if any. */
  commissionOf(exec: Exec, conversionId: string): Promise<RefundOutcome['commission']>;
}

/** The clicks an order reads: TrafficService, which buffers them (see ClickWatermarks). */
export interface ServedClicks {
  /** Resolves once every click served before the call is stored; refuses (UNAVAILABLE) while that cannot be. */
  awaitServedClicks(): Promise<void>;
}

interface TouchRow {
  /** The order's place in its batch. */
  i: number;
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

/**
 * The candidate touches of a batch of orders, in one statement: per order (`i`), its clicks by
 * click id or visitor id (an indexed lookup each), and its referral code.
 */
const TOUCHES_SQL = `
  select j.i, t.* from unnest(?::int[], ?::uuid[], ?::text[], ?::uuid[], ?::timestamptz[]) as j(i, merchant_id, visitor_id, click_id, placed_at)
   cross join lateral (
     select 'click' as kind, c.id, c.occurred_at, c.is_bot, c.enrollment_id, c.affiliate_id, c.campaign_id, c.visitor_id,
            e.status::text as enrollment_status, k.status::text as campaign_status, k.attribution_window_days, k.currency,
            k.commission_type::text as commission_type, k.commission_rate_bps, k.commission_amount_minor,
            null::text as code, null::text as customer_id
       from (select * from click
              where merchant_id = j.merchant_id and (visitor_id = j.visitor_id or id = j.click_id)
              order by occurred_at > j.placed_at, occurred_at desc limit ${MAX_CANDIDATE_CLICKS}) c
       left join enrollment e on e.id = c.enrollment_id
       left join campaign k on k.id = c.campaign_id) t
  union all
  select j.i, 'referral', r.id, null, null, null, null, null, null, null, null, null, null, null, null, null, r.code, r.customer_id
    from unnest(?::int[], ?::uuid[], ?::text[]) as j(i, merchant_id, code)
    join referral_code r on r.merchant_id = j.merchant_id and r.code = j.code`;

/** A batch's rows as columns: one array parameter each, in this order (see writeStatement). */
const ORDER_COLUMNS = [
  ['i', 'int'], ['merchant_id', 'uuid'], ['event_id', 'text'], ['event_type', 'text'], ['body_hash', 'text'], ['response', 'text'], ['event_row_id', 'uuid'],
  ['order_row_id', 'uuid'], ['external_id', 'text'], ['amount_minor', 'bigint'], ['currency', 'text'], ['occurred_at', 'timestamptz'],
  ['click_id', 'text'], ['visitor_id', 'text'], ['referral_code', 'text'], ['customer_id', 'text'], ['conversion_id', 'uuid'],
  ['channel', 'channel'], ['enrollment_id', 'uuid'], ['affiliate_id', 'uuid'], ['campaign_id', 'uuid'], ['winning_click_id', 'uuid'],
  ['referral_code_id', 'uuid'], ['referrer_customer_id', 'text'], ['explanation', 'text'], ['created_at', 'timestamptz'],
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
  o as (insert into store_order (id, merchant_id, external_id, amount_minor, currency, occurred_at, click_id, visitor_id, referral_code, customer_id, created_at)
        select order_row_id, merchant_id, external_id, amount_minor, currency, occurred_at, click_id, visitor_id, referral_code, customer_id, created_at
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

const json = (v: unknown) => JSON.stringify(v);

/** A delivered webhook event: its id, its type and the hash of its body (see eventHash). */
interface EventRef {
  id: string;
  type: string;
  hash: string;
}

/**
 * The hash an event id is bound to: SHA-256 of the validated event serialized again (fields in
 * the schema's order, values normalized: trimmed ids, upper-case currency, UTC times, unknown
 * fields dropped), not of the raw bytes. A byte-identical retry matches, and so does a store
 * that serializes the same event again with other spacing or key order; anything that changes
 * what is recorded (type, amount, ids, times) does not.
 */
const eventHash = (event: z.output<typeof webhookSchema>) => createHash('sha256').update(JSON.stringify(event)).digest('hex');

/** The store's order fields a recorded order is compared with when its id comes again. */
const ORDER_FIELDS = ['amountMinor', 'currency', 'occurredAt', 'clickId', 'visitorId', 'referralCode', 'customerId'] as const;

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

/** What a merchant's sealed webhook secret is bound to: it opens in that merchant's row only. */
const webhookSecretContext = (merchantId: string) => `order-webhook-secret:${merchantId}`;

/** What attribution decided for one order: its row in the batch's write and its answer. */
interface PlannedOrder {
  job: OrderJob;
  outcome: OrderOutcome;
  columns: Record<Exclude<OrderColumn, 'i'>, string | number | null>;
  accrual: AccrualInput | null;
}

/**
 * Orders and refunds: validation, idempotency, attribution, and the conversion row; the
 * commission itself is written through `CommissionAccrual`. Orders are group-committed: those
 * that arrive while a batch is being written go together in the next one, which costs two
 * statements whatever its size (the candidate touches, then one atomic insert of events,
 * orders, conversions and commissions).
 */
export class OrdersService {
  private readonly secrets = new Map<string, { secret: string; at: number }>();
  private readonly intake = new Batcher<OrderJob, OrderOutcome>((jobs) => this.ingestBatch(jobs), {
    maxBatch: ORDER_BATCH_MAX,
    concurrency: ORDER_BATCH_CONCURRENCY,
  });

  private awaitingClicks: { job: OrderJob; resolve: (outcome: OrderOutcome) => void; reject: (err: unknown) => void }[] = [];
  private clickWait: Promise<void> | undefined;

  constructor(
    private readonly accrual: CommissionAccrual,
    private readonly clicks: ServedClicks,
    /** Seals the order-webhook secrets at rest: verification needs them back, so they cannot be hashed. */
    private readonly box: SecretsBox,
  ) {}

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
    const ev = { id: event.id, type: event.type, hash: eventHash(event) };
    if (event.type === 'order.created') return this.ingestOrder(em, merchantId, event.order, ev, now);
    return this.ingestRefund(em, merchantId, { ...event.refund, orderId: event.order.id }, ev, now);
  }

  /**
   * The answer an event id already delivered got; CONFLICT when it came with another body (events
   * stored before their hashes were kept match any body).
   */
  private async storedResponse<T>(exec: Exec, merchantId: string, event: EventRef): Promise<T> {
    const [row] = await exec<{ response: T; body_hash: string | null }>(
      `select response, body_hash from webhook_event where merchant_id = ? and event_id = ?`,
      [merchantId, event.id],
    );
    if (!row) throw conflict('This event is being processed; retry later');
    if (row.body_hash !== null && row.body_hash !== event.hash) {
      throw conflict(`Event ${event.id} was already delivered with a different body; a new event needs a new id`, {
        id: 'was already used by an event with another body',
      });
    }
    return row.response;
  }

  private async ingestOrder(em: EntityManager, merchantId: string, order: OrderInput, event: EventRef | null, now: Date): Promise<OrderOutcome> {
    if (order.occurredAt.getTime() > now.getTime() + MAX_ORDER_AHEAD_MS) {
      throw badInput('occurredAt is more than 24 hours ahead of the server clock', { [event ? 'order.occurredAt' : 'occurredAt']: 'is more than 24 hours in the future' });
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
    jobs.forEach(({ merchantId, order }, i) => {
      const clickId = clickIdOf(order);
      if (clickId || order.visitorId) clicks.push({ i, merchantId, visitorId: order.visitorId, clickId, placedAt: order.occurredAt.toISOString() });
      if (order.referralCode) codes.push({ i, merchantId, code: order.referralCode });
    });
    const byOrder = new Map<number, TouchRow[]>();
    // Nothing to look up without click, visitor or code.
    if (!clicks.length && !codes.length) return byOrder;
    const rows = await exec<TouchRow>(TOUCHES_SQL, [
      pgArray(clicks.map((c) => c.i)), pgArray(clicks.map((c) => c.merchantId)), pgTextArray(clicks.map((c) => c.visitorId)),
      pgTextArray(clicks.map((c) => c.clickId)), pgArray(clicks.map((c) => c.placedAt)),
      pgArray(codes.map((c) => c.i)), pgArray(codes.map((c) => c.merchantId)), pgTextArray(codes.map((c) => c.code)),
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
        [event ? 'order.currency' : 'currency']: `must be ${won.campaign.currency}, the currency of the campaign the order is attributed to`,
      });
    }
    const conversionId = uuidv7(now.getTime());
    const commissionId = won ? uuidv7(now.getTime()) : null;
    const outcome: OrderOutcome = { conversion: { id: conversionId, channel: winner.channel, commissionId } };
    const referrer = winner.channel === Channel.REFERRAL ? winner.referral : null;
    return {
      job,
      outcome,
      columns: {
        merchant_id: merchantId, event_id: event?.id ?? null, event_type: event?.type ?? null, body_hash: event?.hash ?? null, response: json(outcome),
        event_row_id: uuidv7(now.getTime()), order_row_id: uuidv7(now.getTime()), external_id: order.id, amount_minor: order.amountMinor,
        currency: order.currency, occurred_at: order.occurredAt.toISOString(), click_id: order.clickId, visitor_id: order.visitorId,
        referral_code: order.referralCode, customer_id: order.customerId, conversion_id: conversionId, channel: winner.channel,
        enrollment_id: won?.click.enrollmentId ?? null, affiliate_id: won?.click.affiliateId ?? null, campaign_id: won?.click.campaignId ?? null,
        winning_click_id: won?.click.clickId ?? null, referral_code_id: referrer?.id ?? null, referrer_customer_id: referrer?.customerId ?? null,
        explanation: json(explanation), created_at: now.toISOString(),
      },
      accrual: won
        ? {
            id: commissionId!, conversionId, merchantId, enrollmentId: won.click.enrollmentId, affiliateId: won.click.affiliateId,
            campaignId: won.click.campaignId, currency: order.currency, orderAmountMinor: order.amountMinor, rule: won.campaign.rule, now,
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
      const stored = await this.storedResponse<OrderOutcome>(exec, merchantId, event!);
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
    const [row] = await exec<{ id: string; channel: Channel; amount_minor: string; currency: string; occurred_at: Date } & Record<string, string | null>>(
      `select cv.id, cv.channel, o.amount_minor, o.currency, o.occurred_at, o.click_id, o.visitor_id, o.referral_code, o.customer_id
         from store_order o join conversion cv on cv.order_id = o.id where o.merchant_id = ? and o.external_id = ?`,
      [merchantId, order.id],
    );
    if (!row) throw notFound('Order');
    const recorded: Record<(typeof ORDER_FIELDS)[number], unknown> = {
      amountMinor: Number(row.amount_minor), currency: row.currency, occurredAt: new Date(row.occurred_at).getTime(), clickId: row.click_id,
      visitorId: row.visitor_id, referralCode: row.referral_code, customerId: row.customer_id,
    };
    const differ = ORDER_FIELDS.filter((f) => recorded[f] !== (f === 'occurredAt' ? order.occurredAt.getTime() : order[f]));
    if (differ.length) {
      throw conflict(`Order ${order.id} was already recorded with other content (${differ.join(', ')}); a different order needs its own id`, {
        [event ? 'order.id' : 'id']: `was already recorded with other content (${differ.join(', ')})`,
      });
    }
    const commission = await this.accrual.commissionOf(exec, row.id);
    return { conversion: { id: row.id, channel: row.channel, commissionId: commission?.id ?? null } };
  }

  /**
   * A refund, in one transaction holding its order's row lock, so refunds of one order apply one
   * at a time and together never exceed it. A refund id recorded before answers as it did (with
   * other content: CONFLICT); a new one must fit in what is left of the order.
   */
  private async ingestRefund(em: EntityManager, merchantId: string, refund: RefundInput, event: EventRef | null, now: Date): Promise<RefundOutcome> {
    const field = (name: 'id' | 'amountMinor') => (event ? `refund.${name}` : name);
    const result = await em.transactional(async (tx) => {
      const [order] = await tx.execute<{ id: string; amount_minor: string; conversion_id: string; channel: Channel }[]>(
        `select o.id, o.amount_minor, cv.id as conversion_id, cv.channel
           from store_order o join conversion cv on cv.order_id = o.id
          where o.merchant_id = ? and o.external_id = ? for update of o`,
        [merchantId, refund.orderId],
      );
      if (event) {
        // Before anything is checked against the order: a replay answers as the first delivery did.
        const [seen] = await tx.execute(`select 1 from webhook_event where merchant_id = ? and event_id = ?`, [merchantId, event.id]);
        if (seen) return { replayOf: event } as const;
      }
      if (!order) {
        throw conflict('The order of this refund has not been recorded yet; deliver the order first, then retry the refund', {
          [event ? 'order.id' : 'orderId']: 'is not a recorded order (yet)',
        });
      }
      // Read in statements of their own, after the lock: a refund committed by another transaction
      // while this one waited on it is after this transaction's first snapshot.
      const recordedBefore = async () => {
        const [existing] = await tx.execute<{ order_id: string; amount_minor: string; occurred_at: Date }[]>(
          `select order_id, amount_minor, occurred_at from refund where merchant_id = ? and external_id = ?`,
          [merchantId, refund.id],
        );
        if (!existing) return false;
        if (existing.order_id !== order.id) {
          throw conflict('This refund id was already recorded for another order', { [field('id')]: 'belongs to another order' });
        }
        const differ = [
          ...(Number(existing.amount_minor) !== refund.amountMinor ? ['amountMinor'] : []),
          ...(new Date(existing.occurred_at).getTime() !== refund.occurredAt.getTime() ? ['occurredAt'] : []),
        ].join(', ');
        if (differ) {
          throw conflict(`Refund ${refund.id} was already recorded with other content (${differ}); a different refund needs its own id`, {
            [field('id')]: `was already recorded with other content (${differ})`,
          });
        }
        return true;
      };
      const orderAmount = Number(order.amount_minor);
      let refundedTotal = 0;
      const known = await recordedBefore();
      if (!known) {
        const [sum] = await tx.execute<{ total: string }[]>(`select coalesce(sum(amount_minor), 0) as total from refund where order_id = ?`, [order.id]);
        const left = orderAmount - Number(sum!.total);
        if (refund.amountMinor === 0 && orderAmount > 0) {
          throw badInput('A refund of 0 refunds nothing: only an order of 0 is refunded with 0', {
            [field('amountMinor')]: 'must be at least 1 (only an order of 0 is refunded with 0)',
          });
        }
        if (refund.amountMinor > left) {
          throw badInput(`Refund ${refund.id} of ${refund.amountMinor} exceeds what is left of order ${refund.orderId}: ${left} of ${orderAmount}`, {
            [field('amountMinor')]: `must be at most ${left}, what is left of the order's ${orderAmount}`,
          });
        }
        refundedTotal = Number(sum!.total) + refund.amountMinor;
      }
      const refundRowId = uuidv7(now.getTime());
      const eventCte = event
        ? `ev as (insert into webhook_event (id, merchant_id, event_id, type, body_hash, response, created_at) values (?, ?, ?, ?, ?, 'null'::jsonb, ?)
                   on conflict (merchant_id, event_id) do nothing returning id),`
        : '';
      const [flags] = await tx.execute<{ event_claimed: boolean; refund_created: boolean }[]>(
        `with ${eventCte}
         r as (insert into refund (id, merchant_id, external_id, order_id, amount_minor, occurred_at, created_at)
               select ?, ?, ?, ?, ?, ?, ? ${event ? 'where exists (select 1 from ev)' : ''}
               on conflict (merchant_id, external_id) do nothing returning id)
         select ${event ? 'exists (select 1 from ev)' : 'true'} as event_claimed, exists (select 1 from r) as refund_created`,
        [
          ...(event ? [uuidv7(now.getTime()), merchantId, event.id, event.type, event.hash, now] : []),
          refundRowId, merchantId, refund.id, order.id, refund.amountMinor, refund.occurredAt, now,
        ],
      );
      // Delivered meanwhile under another order's lock.
      if (!flags!.event_claimed) return { replayOf: event! } as const;
      // Recorded meanwhile for another order (this order's refunds wait on its lock): refused.
      if (!flags!.refund_created && !known) await recordedBefore();
      const commission = flags!.refund_created
        ? await this.accrual.applyRefund(emExec(tx), {
            merchantId, conversionId: order.conversion_id, orderAmountMinor: orderAmount, refundedTotalMinor: refundedTotal,
            refundRowId, reason: `Refund ${refund.id} of ${refund.amountMinor} on order ${refund.orderId}`, now,
          })
        : await this.accrual.commissionOf(emExec(tx), order.conversion_id);
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
      [merchantId, this.box.seal(secret, webhookSecretContext(merchantId)), now],
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
    const secret = this.box.open(row.secret, webhookSecretContext(merchantId));
    if (this.secrets.size > 10_000) this.secrets.clear();
    this.secrets.set(merchantId, { secret, at: now });
    return { secret, cached: false };
  }

  /**
   * At start-up: seals with the current SECRETS_KEY every stored secret that is not sealed with
   * it (plaintext rows from before secrets were sealed, and rows sealed with
   * SECRETS_KEY_PREVIOUS). Idempotent, and safe with several processes starting at once (each
   * row is replaced only if it still holds what was read). A row sealed with a key this process
   * does not hold stops the start, naming that key, before anything is changed.
   */
  async resealWebhookSecrets(em: EntityManager): Promise<number> {
    const rows = await em.execute<{ merchant_id: string; secret: string }[]>(`select merchant_id, secret from order_webhook_secret`);
    const stale = rows.filter((r) => !this.box.isCurrent(r.secret));
    const unknown = new Map<string, number>();
    const resealed = stale.flatMap((r) => {
      const context = webhookSecretContext(r.merchant_id);
      try {
        const plain = SecretsBox.isSealed(r.secret) ? this.box.open(r.secret, context) : r.secret;
        return [{ ...r, sealed: this.box.seal(plain, context) }];
      } catch (e) {
        if (!(e instanceof SecretsBoxError) || !e.unknownKeyId) throw e;
        unknown.set(e.unknownKeyId, (unknown.get(e.unknownKeyId) ?? 0) + 1);
        return [];
      }
    });
    if (unknown.size) {
      const which = [...unknown].map(([id, n]) => `${n} sealed with key ${id}`).join(', ');
      throw new Error(
        `Order-webhook secrets cannot be opened (${which}); this process holds SECRETS_KEY (${this.box.keyId}) and SECRETS_KEY_PREVIOUS only. ` +
          'Set SECRETS_KEY_PREVIOUS to the key they were sealed with; if that key is lost, delete those merchants\' order_webhook_secret rows and have them rotate their secret.',
      );
    }
    for (const r of resealed) {
      await em.execute(`update order_webhook_secret set secret = ? where merchant_id = ? and secret = ?`, [r.sealed, r.merchant_id, r.secret], 'run');
    }
    return resealed.length;
  }

  // ---- Reads ----

  conversions(em: EntityManager, merchantId: string, filter: { channel?: Channel; affiliateId?: string }, page: PageRequest) {
    return paginateQuery(() => {
      const qb = em.createQueryBuilder(Conversion, 'cv').where({ merchant: merchantId });
      if (filter.channel) qb.andWhere({ channel: filter.channel });
      if (filter.affiliateId) qb.andWhere({ affiliate: filter.affiliateId });
      return qb;
    }, page);
  }
}
