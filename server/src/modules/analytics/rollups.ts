import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../db/pg-arrays.js';
import { emExec, type Exec, type StatementPart } from '../../db/sql-runner.js';
import type { ConversionFigures, ConversionRollup, RefundFigures } from '../orders/index.js';
import type { TrafficService } from '../tracking/index.js';

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

/** Stored clicks' figures (tracking's `clickFigures`), one row per enrollment and day. */
const CLICKS_SQL = `
  with an_src as (select c.merchant_id, c.day, c.campaign_id, c.enrollment_id, c.affiliate_id, c.clicks, c.unique_clicks,
                         0 as conversions, 0 as revenue_minor, 0 as commission_minor
                    from unnest(?::uuid[], ?::date[], ?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[])
                           as c(merchant_id, day, campaign_id, enrollment_id, affiliate_id, clicks, unique_clicks)),
  ${ROLLUP_CTES}
  select count(*) from an_campaign`;

/**
 * A batch's conversions, as CTEs of the statement that writes them: only those it wrote (in
 * the relation `written`) count.
 */
const conversionsCtes = (written: string) => `
  an_src as (select a.merchant_id, (a.occurred_at at time zone 'UTC')::date as day, a.campaign_id, a.enrollment_id, a.affiliate_id,
                    0 as clicks, 0 as unique_clicks, count(*) as conversions, sum(a.amount) as revenue_minor, sum(a.commission) as commission_minor
               from unnest(?::uuid[], ?::uuid[], ?::timestamptz[], ?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[])
                      as a(conversion_id, merchant_id, occurred_at, campaign_id, enrollment_id, affiliate_id, amount, commission)
              where a.conversion_id in (select id from ${written})
              group by 1, 2, 3, 4, 5),
  ${ROLLUP_CTES}`;

const REFUND_SQL = `
  with an_src as (select ?::uuid as merchant_id, ?::date as day, ?::uuid as campaign_id, ?::uuid as enrollment_id, ?::uuid as affiliate_id,
                         0 as clicks, 0 as unique_clicks, 0 as conversions, ?::bigint as revenue_minor, ?::bigint as commission_minor),
  ${ROLLUP_CTES}
  select count(*) from an_campaign`;

/** What the click rollup reads of tracking's click log (TrafficService's ports). */
export type StoredClicks = Pick<TrafficService, 'clicksSettledBelow' | 'awaitOthersServedClicks' | 'clickFigures'>;

/**
 * The daily rollups (`analytics_day`: per merchant, UTC day, campaign and enrollment, and
 * `analytics_campaign_day`, the same without the enrollment), set-based. Conversions and
 * refunds are added in the transactions that write them (order ingestion's batch, refund
 * intake). Clicks are added after they are stored, from the click log, by `rollUpClicks` (a
 * periodic job in every process): the click writer's COPY stays alone on the redirect's path.
 * Bots and other channels never reach them.
 */
export class AnalyticsRollups implements ConversionRollup {
  constructor(private readonly clicks: StoredClicks) {}

  /**
   * Adds the clicks stored since the mark, exactly once: `analytics_click_mark` holds the
   * storing-transaction id below which every click is counted. A pass takes the id below which
   * every transaction has ended, waits until every click other processes served before then is
   * stored (so a new visitor's first click, served by another process, is visible beside its
   * later ones; see clickFigures), then, one process at a time (row lock), reads the figures of the clicks stored
   * from the mark up to that id, adds them and moves the mark, in one transaction. Returns the
   * clicks it added.
   */
  async rollUpClicks(em: EntityManager): Promise<number> {
    const through = await this.clicks.clicksSettledBelow(emExec(em));
    await this.clicks.awaitOthersServedClicks().catch((err: unknown) => {
      throw new Error('analytics: clicks served before this pass are still being written elsewhere; a later pass counts them', { cause: err });
    });
    return em.transactional(async (tx) => {
      const exec = emExec(tx);
      const [mark] = await exec<{ through: string }>(`select through::text from analytics_click_mark where id = 1 for update`, []);
      const from = mark!.through;
      if (BigInt(through) <= BigInt(from)) return 0;
      const d = await this.clicks.clickFigures(exec, from, through);
      if (d.length) {
        await exec(CLICKS_SQL, [
          pgArray(d.map((x) => x.merchantId)),
          pgArray(d.map((x) => x.day)),
          pgArray(d.map((x) => x.campaignId)),
          pgArray(d.map((x) => x.enrollmentId)),
          pgArray(d.map((x) => x.affiliateId)),
          pgArray(d.map((x) => x.clicks)),
          pgArray(d.map((x) => x.uniqueClicks)),
        ]);
      }
      await exec(`update analytics_click_mark set through = ?::bigint where id = 1`, [through]);
      return d.reduce((n, x) => n + x.clicks, 0);
    });
  }

  /**
   * Adds every click stored before the call (tests and the benchmark, which read figures at
   * once): passes until the mark is past every transaction that had begun, waiting out those
   * still open.
   */
  async catchUp(em: EntityManager): Promise<void> {
    const exec = emExec(em);
    const [target] = await exec<{ next: string }>(`select pg_snapshot_xmax(pg_current_snapshot())::text as next`, []);
    for (;;) {
      await this.rollUpClicks(em.fork());
      const [mark] = await exec<{ through: string }>(`select through::text from analytics_click_mark where id = 1`, []);
      if (BigInt(mark!.through) >= BigInt(target!.next)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  conversionsRecorded(inputs: readonly ConversionFigures[], written: string): StatementPart {
    const column = (value: (input: ConversionFigures) => string | number) => pgArray(inputs.map(value));
    return {
      sql: conversionsCtes(written),
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

  async refundRecorded(exec: Exec, r: RefundFigures): Promise<void> {
    await exec(REFUND_SQL, [r.merchantId, isoDay(r.occurredAt), r.campaignId, r.enrollmentId, r.affiliateId, -r.amountMinor, r.commissionMinor]);
  }
}
