import { Migration } from '@mikro-orm/migrations';

/**
 * Analytics' daily rollups and the (link, visitor, hour) keys behind exact unique clicks, filled
 * from the rows already stored: clicks (bots left out) and unique clicks on the click's day;
 * AFFILIATE conversions, their revenue and accrued commission on the order's day; refunds, refund
 * adjustments and clawbacks on the refund's day (the adjustment's own date when it names none).
 */
export class Migration20261207040000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "analytics_day" ("merchant_id" uuid not null, "day" date not null, "campaign_id" uuid not null, "enrollment_id" uuid not null,
      "affiliate_id" uuid not null, "clicks" bigint not null default 0, "unique_clicks" bigint not null default 0, "conversions" bigint not null default 0,
      "revenue_minor" bigint not null default 0, "commission_minor" bigint not null default 0,
      constraint "analytics_day_pkey" primary key ("merchant_id", "day", "campaign_id", "enrollment_id"));`);
    this.addSql(`create index "analytics_day_affiliate_index" on "analytics_day" ("merchant_id", "affiliate_id", "day");`);
    this.addSql(`create table "analytics_visit_hour" ("hour" timestamptz not null, "enrollment_id" uuid not null, "visitor_id" varchar(64) collate "C" not null,
      constraint "analytics_visit_hour_pkey" primary key ("hour", "enrollment_id", "visitor_id"));`);
    // Keys of the recent hours only: older ones are pruned anyway (AnalyticsRollups.prune).
    this.addSql(`insert into "analytics_visit_hour" ("hour", "enrollment_id", "visitor_id")
      select distinct date_trunc('hour', occurred_at, 'UTC'), enrollment_id, visitor_id from click where not is_bot and occurred_at >= now() - interval '48 hours';`);
    this.addSql(`insert into "analytics_day" ("merchant_id", "day", "campaign_id", "enrollment_id", "affiliate_id", "clicks", "unique_clicks", "conversions", "revenue_minor", "commission_minor")
      select merchant_id, day, campaign_id, enrollment_id, min(affiliate_id::text)::uuid, sum(clicks), sum(unique_clicks), sum(conversions), sum(revenue_minor), sum(commission_minor)
        from (
          select merchant_id, (occurred_at at time zone 'UTC')::date as day, campaign_id, enrollment_id, affiliate_id, count(*) as clicks,
                 count(distinct (visitor_id, date_trunc('hour', occurred_at))) as unique_clicks, 0 as conversions, 0 as revenue_minor, 0 as commission_minor
            from click where not is_bot and channel = 'AFFILIATE' group by 1, 2, 3, 4, 5
          union all
          select merchant_id, (occurred_at at time zone 'UTC')::date, campaign_id, enrollment_id, affiliate_id, 0, 0, count(*), sum(amount_minor), 0
            from conversion where channel = 'AFFILIATE' group by 1, 2, 3, 4, 5
          union all
          select cv.merchant_id, (r.occurred_at at time zone 'UTC')::date, cv.campaign_id, cv.enrollment_id, cv.affiliate_id, 0, 0, 0, -sum(r.amount_minor), 0
            from refund r join conversion cv on cv.order_id = r.order_id where cv.channel = 'AFFILIATE' group by 1, 2, 3, 4, 5
          union all
          select c.merchant_id, (cv.occurred_at at time zone 'UTC')::date, c.campaign_id, c.enrollment_id, c.affiliate_id, 0, 0, 0, 0, sum(c.original_amount_minor)
            from commission c join conversion cv on cv.id = c.conversion_id group by 1, 2, 3, 4, 5
          union all
          select c.merchant_id, (coalesce(r.occurred_at, a.created_at) at time zone 'UTC')::date, c.campaign_id, c.enrollment_id, c.affiliate_id, 0, 0, 0, 0, sum(a.amount_minor)
            from commission_adjustment a join commission c on c.id = a.commission_id left join refund r on r.id = a.refund_id group by 1, 2, 3, 4, 5
          union all
          select c.merchant_id, (coalesce(r.occurred_at, k.created_at) at time zone 'UTC')::date, c.campaign_id, c.enrollment_id, c.affiliate_id, 0, 0, 0, 0, sum(k.amount_minor)
            from clawback k join commission c on c.id = k.commission_id left join refund r on r.id = k.refund_id group by 1, 2, 3, 4, 5
        ) f group by 1, 2, 3, 4;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "analytics_visit_hour";`);
    this.addSql(`drop table "analytics_day";`);
  }
}
