import { Migration } from '@mikro-orm/migrations';

/**
 * Analytics' figures per merchant, campaign and UTC day, without the enrollment: what an
 * overview of a whole program reads (a row a day, whatever the number of affiliates). Filled
 * from `analytics_day`, and kept with it by the same statements from now on.
 */
export class Migration20261207040100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "analytics_campaign_day" ("merchant_id" uuid not null, "day" date not null, "campaign_id" uuid not null,
      "clicks" bigint not null default 0, "unique_clicks" bigint not null default 0, "conversions" bigint not null default 0,
      "revenue_minor" bigint not null default 0, "commission_minor" bigint not null default 0,
      constraint "analytics_campaign_day_pkey" primary key ("merchant_id", "day", "campaign_id"));`);
    this.addSql(`insert into "analytics_campaign_day" ("merchant_id", "day", "campaign_id", "clicks", "unique_clicks", "conversions", "revenue_minor", "commission_minor")
      select merchant_id, day, campaign_id, sum(clicks), sum(unique_clicks), sum(conversions), sum(revenue_minor), sum(commission_minor)
        from analytics_day group by 1, 2, 3;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "analytics_campaign_day";`);
  }
}
