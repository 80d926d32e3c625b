import { Migration } from '@mikro-orm/migrations';

export class Migration20261123230226 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "commission_status" as enum ('PENDING', 'FINALIZED', 'REVERSED', 'PAID');`);
    this.addSql(`create type "adjustment_kind" as enum ('REFUND');`);
    this.addSql(`create table "store_order" ("id" uuid not null, "merchant_id" uuid not null, "external_id" varchar(200) not null, "amount_minor" bigint not null, "currency" varchar(3) not null, "occurred_at" timestamptz not null, "click_id" varchar(200) null, "visitor_id" varchar(200) null, "referral_code" varchar(64) null, "customer_id" varchar(200) null, "created_at" timestamptz not null, constraint "store_order_pkey" primary key ("id"));`);
    this.addSql(`alter table "store_order" add constraint "store_order_merchant_id_external_id_unique" unique ("merchant_id", "external_id");`);

    this.addSql(`create table "order_webhook_secret" ("merchant_id" uuid not null, "secret" varchar(100) not null, "rotated_at" timestamptz not null, constraint "order_webhook_secret_pkey" primary key ("merchant_id"));`);

    this.addSql(`create table "referral_code" ("id" uuid not null, "merchant_id" uuid not null, "code" varchar(16) not null, "customer_id" varchar(200) not null, "created_at" timestamptz not null, constraint "referral_code_pkey" primary key ("id"));`);
    this.addSql(`alter table "referral_code" add constraint "referral_code_code_unique" unique ("code");`);
    this.addSql(`alter table "referral_code" add constraint "referral_code_merchant_id_customer_id_unique" unique ("merchant_id", "customer_id");`);

    this.addSql(`create table "conversion" ("id" uuid not null, "merchant_id" uuid not null, "order_id" uuid not null, "order_external_id" varchar(200) not null, "channel" "channel" not null, "occurred_at" timestamptz not null, "amount_minor" bigint not null, "currency" varchar(3) not null, "enrollment_id" uuid null, "affiliate_id" uuid null, "campaign_id" uuid null, "winning_click_id" uuid null, "referral_code_id" uuid null, "referrer_customer_id" varchar(200) null, "explanation" jsonb not null, "created_at" timestamptz not null, constraint "conversion_pkey" primary key ("id"));`);
    this.addSql(`alter table "conversion" add constraint "conversion_order_id_unique" unique ("order_id");`);
    this.addSql(`create index "conversion_affiliate_id_id_index" on "conversion" ("affiliate_id", "id");`);
    this.addSql(`create index "conversion_merchant_id_channel_id_index" on "conversion" ("merchant_id", "channel", "id");`);

    this.addSql(`create table "commission" ("id" uuid not null, "merchant_id" uuid not null, "conversion_id" uuid not null, "enrollment_id" uuid not null, "affiliate_id" uuid not null, "campaign_id" uuid not null, "currency" varchar(3) not null, "original_amount_minor" bigint not null, "amount_minor" bigint not null, "status" "commission_status" not null default 'PENDING', "finalized_at" timestamptz null, "created_at" timestamptz not null, constraint "commission_pkey" primary key ("id"), constraint commission_amount_within_original check (amount_minor >= 0 and amount_minor <= original_amount_minor));`);
    this.addSql(`alter table "commission" add constraint "commission_conversion_id_unique" unique ("conversion_id");`);
    this.addSql(`create index "commission_campaign_id_status_index" on "commission" ("campaign_id", "status");`);
    this.addSql(`create index "commission_affiliate_id_status_index" on "commission" ("affiliate_id", "status");`);
    this.addSql(`create index "commission_merchant_id_status_id_index" on "commission" ("merchant_id", "status", "id");`);

    this.addSql(`create table "refund" ("id" uuid not null, "merchant_id" uuid not null, "external_id" varchar(200) not null, "order_id" uuid not null, "amount_minor" bigint not null, "occurred_at" timestamptz not null, "created_at" timestamptz not null, constraint "refund_pkey" primary key ("id"));`);
    this.addSql(`create index "refund_order_id_index" on "refund" ("order_id");`);
    this.addSql(`alter table "refund" add constraint "refund_merchant_id_external_id_unique" unique ("merchant_id", "external_id");`);

    this.addSql(`create table "commission_adjustment" ("id" uuid not null, "merchant_id" uuid not null, "commission_id" uuid not null, "kind" "adjustment_kind" not null, "amount_minor" bigint not null, "reason" text not null, "refund_id" uuid null, "created_at" timestamptz not null, constraint "commission_adjustment_pkey" primary key ("id"), constraint commission_adjustment_refund_negative check (kind <> 'REFUND' or amount_minor < 0));`);
    this.addSql(`create index "commission_adjustment_commission_id_index" on "commission_adjustment" ("commission_id");`);
    this.addSql(`alter table "commission_adjustment" add constraint "commission_adjustment_commission_id_refund_id_unique" unique ("commission_id", "refund_id");`);

    this.addSql(`create table "webhook_event" ("id" uuid not null, "merchant_id" uuid not null, "event_id" varchar(200) not null, "type" varchar(40) not null, "response" jsonb not null, "created_at" timestamptz not null, constraint "webhook_event_pkey" primary key ("id"));`);
    this.addSql(`alter table "webhook_event" add constraint "webhook_event_merchant_id_event_id_unique" unique ("merchant_id", "event_id");`);

    this.addSql(`alter table "store_order" add constraint "store_order_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "order_webhook_secret" add constraint "order_webhook_secret_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "referral_code" add constraint "referral_code_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "conversion" add constraint "conversion_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "conversion" add constraint "conversion_order_id_foreign" foreign key ("order_id") references "store_order" ("id") on update cascade;`);
    this.addSql(`alter table "conversion" add constraint "conversion_enrollment_id_foreign" foreign key ("enrollment_id") references "enrollment" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "conversion" add constraint "conversion_affiliate_id_foreign" foreign key ("affiliate_id") references "affiliate" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "conversion" add constraint "conversion_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "conversion" add constraint "conversion_referral_code_id_foreign" foreign key ("referral_code_id") references "referral_code" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "commission" add constraint "commission_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "commission" add constraint "commission_conversion_id_foreign" foreign key ("conversion_id") references "conversion" ("id") on update cascade;`);
    this.addSql(`alter table "commission" add constraint "commission_enrollment_id_foreign" foreign key ("enrollment_id") references "enrollment" ("id") on update cascade;`);
    this.addSql(`alter table "commission" add constraint "commission_affiliate_id_foreign" foreign key ("affiliate_id") references "affiliate" ("id") on update cascade;`);
    this.addSql(`alter table "commission" add constraint "commission_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade;`);

    this.addSql(`alter table "refund" add constraint "refund_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "refund" add constraint "refund_order_id_foreign" foreign key ("order_id") references "store_order" ("id") on update cascade;`);

    this.addSql(`alter table "commission_adjustment" add constraint "commission_adjustment_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "commission_adjustment" add constraint "commission_adjustment_commission_id_foreign" foreign key ("commission_id") references "commission" ("id") on update cascade;`);
    this.addSql(`alter table "commission_adjustment" add constraint "commission_adjustment_refund_id_foreign" foreign key ("refund_id") references "refund" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "webhook_event" add constraint "webhook_event_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "conversion" drop constraint "conversion_order_id_foreign";`);

    this.addSql(`alter table "refund" drop constraint "refund_order_id_foreign";`);

    this.addSql(`alter table "conversion" drop constraint "conversion_referral_code_id_foreign";`);

    this.addSql(`alter table "commission" drop constraint "commission_conversion_id_foreign";`);

    this.addSql(`alter table "commission_adjustment" drop constraint "commission_adjustment_commission_id_foreign";`);

    this.addSql(`alter table "commission_adjustment" drop constraint "commission_adjustment_refund_id_foreign";`);

    this.addSql(`drop table if exists "store_order" cascade;`);

    this.addSql(`drop table if exists "order_webhook_secret" cascade;`);

    this.addSql(`drop table if exists "referral_code" cascade;`);

    this.addSql(`drop table if exists "conversion" cascade;`);

    this.addSql(`drop table if exists "commission" cascade;`);

    this.addSql(`drop table if exists "refund" cascade;`);

    this.addSql(`drop table if exists "commission_adjustment" cascade;`);

    this.addSql(`drop table if exists "webhook_event" cascade;`);

    this.addSql(`drop type "commission_status";`);
    this.addSql(`drop type "adjustment_kind";`);
  }

}
