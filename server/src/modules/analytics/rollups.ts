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

const FIGURES = ['clicks', 'unique_clicks', 'conversions', 'revenue_minor', 'commission_minor'] as const;
const added = (table: string) => FIGURES.map((f) => `${f} = ${table}.${f} + excluded.${f}`).join(', ');

/**
 * The rollup of `an_src` (merchant_id, day, campaign_id, enrollment_id, affiliate_id and the
 * figures, one row per enrollment and day): data-modifying CTEs adding it to the enrollments'
 * days, then to the campaigns' days (what an overview without an affiliate reads). Every writer
 * takes the rows in this order (the campaign CTE waits for the day CTE through its subquery),
 * each table's in key order, so concurrent click flushes, order batches and refunds never deadlock.
 */
const ROLLUP_CTES = `
  an_day as (insert into analytics_day (merchant_id, day, campaign_id, enrollment_id, affiliate_id, ${FIGURES.join(', ')})
             select merchant_id, day, campaign_id, enrollment_id, affiliate_id, ${FIGURES.join(', ')} from an_src order by 1, 2, 3, 4
             on conflict (merchant_id, day, campaign_id, enrollment_id) do update set ${added('analytics_day')} returning 1),
  an_campaign as (insert into analytics_campaign_day (merchant_id, day, campaign_id, ${FIGURES.join(', ')})
             select merchant_id, day, campaign_id, ${FIGURES.map((f) => `sum(${f})`).join(', ')} from an_src
              where (select count(*) from an_day) >= 0 group by 1, 2, 3 order by 1, 2, 3
             on conflict (merchant_id, day, campaign_id) do update set ${added('analytics_campaign_day')} returning 1)`;

/**
 * A batch's clicks: first the (link, visitor, hour) keys not seen before (those are its unique
 * clicks), then each day's rows get its clicks and new unique clicks.
 */
const CLICKS_SQL = `
  with k as (insert into analytics_visit_hour (hour, enrollment_id, visitor_id)
             select distinct t.hour, t.enrollment_id, t.visitor_id from unnest(?::timestamptz[], ?::uuid[], ?::text[]) as t(hour, enrollment_id, visitor_id)
              order by 1, 2, 3
             on conflict do nothing returning hour, enrollment_id),
  u as (select enrollment_id, (hour at time zone 'UTC')::date as day, count(*) as n from k group by 1, 2),
  an_src as (select c.merchant_id, c.day, c.campaign_id, c.enrollment_id, c.affiliate_id, c.clicks, coalesce(u.n, 0) as unique_clicks,
                    0 as conversions, 0 as revenue_minor, 0 as commission_minor
               from unnest(?::uuid[], ?::date[], ?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[]) as c(merchant_id, day, campaign_id, enrollment_id, affiliate_id, clicks)
               left join u on u.enrollment_id = c.enrollment_id and u.day = c.day),
  ${ROLLUP_CTES}
  select count(*) from an_campaign`;

/** A batch's conversions, in the transaction that wrote them (orders passes only those it wrote). */
const CONVERSIONS_SQL = `
  with an_src as (select a.merchant_id, (a.occurred_at at time zone 'UTC')::date as day, a.campaign_id, a.enrollment_id, a.affiliate_id,
                    0 as clicks, 0 as unique_clicks, count(*) as conversions, sum(a.amount) as revenue_minor, sum(a.commission) as commission_minor
               from unnest(?::uuid[], ?::uuid[], ?::timestamptz[], ?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[])
                      as a(conversion_id, merchant_id, occurred_at, campaign_id, enrollment_id, affiliate_id, amount, commission)
              group by 1, 2, 3, 4, 5),
  ${ROLLUP_CTES}
  select count(*) from an_campaign`;

const REFUND_SQL = `
  with an_src as (select ?::uuid as merchant_id, ?::date as day, ?::uuid as campaign_id, ?::uuid as enrollment_id, ?::uuid as affiliate_id,
                         0 as clicks, 0 as unique_clicks, 0 as conversions, ?::bigint as revenue_minor, ?::bigint as commission_minor),
  ${ROLLUP_CTES}
  select count(*) from an_campaign`;

/**
 * The daily rollups (`analytics_day`: per merchant, UTC day, campaign and enrollment, and
 * `analytics_campaign_day`, the same without the enrollment), kept in
 * the transactions that write what they count, set-based: a click batch by the click log, a
 * batch of orders by order ingestion (in the transaction of its write and accrual), a refund by refund intake.
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

  async conversionsRecorded(exec: Exec, inputs: readonly ConversionFigures[]): Promise<void> {
    if (!inputs.length) return;
    const column = (value: (input: ConversionFigures) => string | number) => pgArray(inputs.map(value));
    await exec(CONVERSIONS_SQL, [
      column((i) => i.conversionId),
      column((i) => i.merchantId),
      column((i) => i.occurredAt.toISOString()),
      column((i) => i.campaignId),
      column((i) => i.enrollmentId),
      column((i) => i.affiliateId),
      column((i) => i.amountMinor),
      column((i) => i.commissionMinor),
    ]);
  }

  /** Deletes the keys of hours past VISIT_KEYS_KEPT_MS (a periodic job; the keys lead with the hour). */
  async prune(em: EntityManager, now: Date): Promise<void> {
    await em.getConnection().execute(`delete from analytics_visit_hour where hour < ?`, [new Date(now.getTime() - VISIT_KEYS_KEPT_MS)], 'run');
  }

  async refundRecorded(exec: Exec, r: RefundFigures): Promise<void> {
    await exec(REFUND_SQL, [r.merchantId, isoDay(r.occurredAt), r.campaignId, r.enrollmentId, r.affiliateId, -r.amountMinor, r.commissionMinor]);
  }
}
