import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import type { Exec } from '../../db/sql-runner.js';
import type { ConversionFigures, ConversionRollup, RefundFigures } from '../orders/index.js';
import type { ClickRecord, ClickRollup } from '../tracking/index.js';

const HOUR_MS = 3_600_000;
/**
 * How long a (link, visitor, hour) key is kept. A click is stored seconds after it is served
 * (longer only while the database refuses it), so an older hour gets no more clicks to compare.
 */
export const VISIT_KEYS_KEPT_MS = 48 * HOUR_MS;
/** How often the old keys are deleted. */
export const PRUNE_EVERY_MS = HOUR_MS;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Adds to a day's row, or creates it: the one upsert every rollup ends with. */
const UPSERT = `on conflict (merchant_id, day, campaign_id, enrollment_id) do update set
    clicks = analytics_day.clicks + excluded.clicks,
    unique_clicks = analytics_day.unique_clicks + excluded.unique_clicks,
    conversions = analytics_day.conversions + excluded.conversions,
    revenue_minor = analytics_day.revenue_minor + excluded.revenue_minor,
    commission_minor = analytics_day.commission_minor + excluded.commission_minor`;

/**
 * A batch's clicks: first the (link, visitor, hour) keys not seen before (those are its unique
 * clicks), then each day's row gets its clicks and new unique clicks. Rows are taken in key
 * order, so concurrent flushes and order batches lock them in one order and never deadlock.
 */
const CLICKS_SQL = `
  with k as (insert into analytics_visit_hour (hour, enrollment_id, visitor_id)
             select distinct t.hour, t.enrollment_id, t.visitor_id from unnest(?::timestamptz[], ?::uuid[], ?::text[]) as t(hour, enrollment_id, visitor_id)
              order by 1, 2, 3
             on conflict do nothing returning hour, enrollment_id),
  u as (select enrollment_id, (hour at time zone 'UTC')::date as day, count(*) as n from k group by 1, 2)
  insert into analytics_day (merchant_id, day, campaign_id, enrollment_id, affiliate_id, clicks, unique_clicks)
  select c.merchant_id, c.day, c.campaign_id, c.enrollment_id, c.affiliate_id, c.clicks, coalesce(u.n, 0)
    from unnest(?::uuid[], ?::date[], ?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[]) as c(merchant_id, day, campaign_id, enrollment_id, affiliate_id, clicks)
    left join u on u.enrollment_id = c.enrollment_id and u.day = c.day
   order by 1, 2, 3, 4
  ${UPSERT}`;

const CONVERSIONS_SQL = `insert into analytics_day (merchant_id, day, campaign_id, enrollment_id, affiliate_id, conversions, revenue_minor, commission_minor)
  select a.merchant_id, (a.occurred_at at time zone 'UTC')::date, a.campaign_id, a.enrollment_id, a.affiliate_id, count(*), sum(a.amount), sum(a.commission)
    from unnest(?::uuid[], ?::uuid[], ?::timestamptz[], ?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[])
           as a(conversion_id, merchant_id, occurred_at, campaign_id, enrollment_id, affiliate_id, amount, commission)
   where a.conversion_id in (select id from cv)
   group by 1, 2, 3, 4, 5
   order by 1, 2, 3, 4
  ${UPSERT}`;

const REFUND_SQL = `insert into analytics_day (merchant_id, day, campaign_id, enrollment_id, affiliate_id, revenue_minor, commission_minor)
  values (?, ?::date, ?, ?, ?, ?, ?)
  ${UPSERT}`;

/**
 * The daily rollups (`analytics_day`: per merchant, UTC day, campaign and enrollment), kept in
 * the transactions that write what they count, set-based: a click batch by the click log, a
 * batch of orders by order ingestion (inside its one statement), a refund by refund intake.
 * Bots and other channels never reach them. Unique clicks stay exact: `analytics_visit_hour`
 * holds each (link, visitor, hour) key once, and a click is unique when its key is new.
 */
export class AnalyticsRollups implements ClickRollup, ConversionRollup {
  async clicksStored(exec: Exec, clicks: readonly ClickRecord[]): Promise<void> {
    const days = new Map<string, { c: ClickRecord; day: string; clicks: number }>();
    const keys = new Map<string, { hour: string; enrollmentId: string; visitorId: string }>();
    for (const c of clicks) {
      if (c.isBot) continue;
      const day = isoDay(c.occurredAt);
      const dayKey = `${c.enrollmentId}|${day}`;
      const d = days.get(dayKey);
      if (d) d.clicks++;
      else days.set(dayKey, { c, day, clicks: 1 });
      const hour = new Date(Math.floor(c.occurredAt.getTime() / HOUR_MS) * HOUR_MS).toISOString();
      keys.set(`${c.enrollmentId}|${c.visitorId}|${hour}`, { hour, enrollmentId: c.enrollmentId, visitorId: c.visitorId });
    }
    if (!days.size) return;
    const k = [...keys.values()];
    const d = [...days.values()];
    await exec(CLICKS_SQL, [
      pgArray(k.map((x) => x.hour)),
      pgArray(k.map((x) => x.enrollmentId)),
      pgTextArray(k.map((x) => x.visitorId)),
      pgArray(d.map((x) => x.c.merchantId)),
      pgArray(d.map((x) => x.day)),
      pgArray(d.map((x) => x.c.campaignId)),
      pgArray(d.map((x) => x.c.enrollmentId)),
      pgArray(d.map((x) => x.c.affiliateId)),
      pgArray(d.map((x) => x.clicks)),
    ]);
  }

  conversionsStatement(inputs: readonly ConversionFigures[]) {
    const column = (value: (input: ConversionFigures) => string | number) => pgArray(inputs.map(value));
    return {
      sql: CONVERSIONS_SQL,
      params: [
        column((i) => i.conversionId),
        column((i) => i.merchantId),
        column((i) => i.occurredAt.toISOString()),
        column((i) => i.campaignId),
        column((i) => i.enrollmentId),
        column((i) => i.affiliateId),
        column((i) => i.amountMinor),
        column((i) => i.commissionMinor),
      ],
    };
  }

  /** Deletes the keys of hours past VISIT_KEYS_KEPT_MS (a periodic job; the keys lead with the hour). */
  async prune(em: EntityManager, now: Date): Promise<void> {
    await em.getConnection().execute(`delete from analytics_visit_hour where hour < ?`, [new Date(now.getTime() - VISIT_KEYS_KEPT_MS)], 'run');
  }

  async refundRecorded(exec: Exec, r: RefundFigures): Promise<void> {
    await exec(REFUND_SQL, [r.merchantId, isoDay(r.occurredAt), r.campaignId, r.enrollmentId, r.affiliateId, -r.amountMinor, r.commissionMinor]);
  }
}
