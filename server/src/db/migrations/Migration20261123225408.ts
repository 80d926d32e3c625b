import { Migration } from '@mikro-orm/migrations';

export class Migration20261123225408 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "channel" as enum ('AFFILIATE', 'REFERRAL', 'NONE');`);
    this.addSql(`create table "click" ("id" uuid not null, "merchant_id" uuid not null, "enrollment_id" uuid not null, "affiliate_id" uuid not null, "campaign_id" uuid not null, "channel" "channel" not null, "occurred_at" timestamptz not null, "referer" text null, "utm_source" varchar(200) null, "utm_medium" varchar(200) null, "utm_campaign" varchar(200) null, "utm_term" varchar(200) null, "utm_content" varchar(200) null, "user_agent" text null, "ip_hash" varchar(64) not null, "visitor_id" varchar(64) not null, "is_bot" boolean not null, constraint "click_pkey" primary key ("id"));`);
    this.addSql(`create index "click_affiliate_id_occurred_at_index" on "click" ("affiliate_id", "occurred_at");`);
    this.addSql(`create index "click_enrollment_id_occurred_at_index" on "click" ("enrollment_id", "occurred_at");`);
    this.addSql(`create index "click_merchant_id_visitor_id_occurred_at_index" on "click" ("merchant_id", "visitor_id", "occurred_at");`);

  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "click" cascade;`);


    this.addSql(`drop type "channel";`);
  }

}
