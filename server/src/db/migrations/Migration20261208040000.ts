import { Migration } from '@mikro-orm/migrations';

/**
 * Clicks are rolled up after they are stored, from the click log, instead of in each batch's
 * transaction (AnalyticsRollups.rollUpClicks): each click carries the id of the transaction that
 * stored it (`stored_tx`, indexed), and `analytics_click_mark` holds the transaction id below which
 * every click is counted. Clicks stored before this migration (no `stored_tx`) were counted by the
 * earlier code and the analytics migrations. Unique clicks are read from the click log's visitor
 * index, so the (link, visitor, hour) keys are dropped. The rollups leave room in their pages for
 * their updates (HOT, no index writes), and `analytics_day` is rewritten in key order, so a
 * period's rows sit in few pages.
 */
export class Migration20261208040000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "click" add column "stored_tx" bigint null;`);
    this.addSql(`alter table "click" alter column "stored_tx" set default (pg_current_xact_id()::text::bigint);`);
    this.addSql(`create index "click_stored_tx_index" on "click" ("stored_tx");`);
    this.addSql(
      `create table "analytics_click_mark" ("id" smallint not null, "through" bigint not null, constraint "analytics_click_mark_pkey" primary key ("id"));`,
    );
    this.addSql(`insert into "analytics_click_mark" ("id", "through") values (1, pg_current_xact_id()::text::bigint);`);
    this.addSql(`drop table "analytics_visit_hour";`);
    this.addSql(`alter table "analytics_day" set (fillfactor = 70);`);
    this.addSql(`alter table "analytics_campaign_day" set (fillfactor = 50);`);
    this.addSql(`cluster "analytics_day" using "analytics_day_pkey";`);
    this.addSql(`cluster "analytics_campaign_day" using "analytics_campaign_day_pkey";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "analytics_campaign_day" reset (fillfactor);`);
    this.addSql(`alter table "analytics_day" reset (fillfactor);`);
    this.addSql(`create table "analytics_visit_hour" ("hour" timestamptz not null, "enrollment_id" uuid not null, "visitor_id" varchar(64) collate "C" not null,
      constraint "analytics_visit_hour_pkey" primary key ("hour", "enrollment_id", "visitor_id"));`);
    this.addSql(`drop table "analytics_click_mark";`);
    this.addSql(`alter table "click" drop column "stored_tx";`);
  }
}
