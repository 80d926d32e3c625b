import { Migration } from '@mikro-orm/migrations';

export class Migration20261123233000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "payout_account_status" as enum ('NOT_CONNECTED', 'PENDING', 'ENABLED', 'RESTRICTED');`);
    this.addSql(`create type "payout_batch_status" as enum ('DRAFT', 'EXECUTING', 'COMPLETED', 'COMPLETED_WITH_FAILURES');`);
    this.addSql(`create type "payout_item_status" as enum ('PENDING', 'POSTED', 'FAILED');`);
    this.addSql(`create table "payout_account" ("id" uuid not null, "merchant_id" uuid not null, "affiliate_id" uuid not null, "stripe_account_id" varchar(64) not null, "generation" int not null default 1, "status" "payout_account_status" not null default 'PENDING', "payouts_enabled" boolean not null default false, "transfers_active" boolean not null default false, "details_submitted" boolean not null default false, "deauthorized_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "payout_account_pkey" primary key ("id"));`);
    this.addSql(`alter table "payout_account" add constraint "payout_account_affiliate_id_unique" unique ("affiliate_id");`);
    this.addSql(`alter table "payout_account" add constraint "payout_account_stripe_account_id_unique" unique ("stripe_account_id");`);

    this.addSql(`create table "payout_batch" ("id" uuid not null, "merchant_id" uuid not null, "campaign_id" uuid not null, "period" varchar(7) not null, "status" "payout_batch_status" not null default 'DRAFT', "currency" varchar(3) not null, "total_minor" bigint not null, "skipped" jsonb not null, "scheduled" boolean not null, "created_at" timestamptz not null, "executed_at" timestamptz null, "completed_at" timestamptz null, constraint "payout_batch_pkey" primary key ("id"));`);
    this.addSql(`create index "payout_batch_status_index" on "payout_batch" ("status");`);
    this.addSql(`create index "payout_batch_merchant_id_id_index" on "payout_batch" ("merchant_id", "id");`);

    this.addSql(`create table "payout_item" ("id" uuid not null, "merchant_id" uuid not null, "batch_id" uuid not null, "affiliate_id" uuid not null, "destination" varchar(64) not null, "currency" varchar(3) not null, "amount_minor" bigint not null, "gross_minor" bigint not null, "clawback_minor" bigint not null, "status" "payout_item_status" not null default 'PENDING', "attempts" int not null default 0, "key_spent" boolean not null default false, "transient_failures" int not null default 0, "next_try_at" timestamptz null, "lease_owner" varchar(64) null, "lease_until" timestamptz null, "stripe_transfer_id" varchar(64) null, "failure_code" varchar(100) null, "failure_message" text null, "last_error" text null, "posted_at" timestamptz null, "transfer_reversed" boolean not null default false, "transfer_reversed_minor" bigint not null default 0, "created_at" timestamptz not null, constraint "payout_item_pkey" primary key ("id"), constraint payout_item_posted_has_transfer check (status <> 'POSTED' or stripe_transfer_id is not null), constraint payout_item_amount_positive check (amount_minor > 0 and amount_minor = gross_minor + clawback_minor));`);
    this.addSql(`create index "payout_item_stripe_transfer_id_index" on "payout_item" ("stripe_transfer_id");`);
    this.addSql(`create index "payout_item_status_next_try_at_index" on "payout_item" ("status", "next_try_at");`);
    this.addSql(`create index "payout_item_affiliate_id_id_index" on "payout_item" ("affiliate_id", "id");`);
    this.addSql(`create index "payout_item_batch_id_status_index" on "payout_item" ("batch_id", "status");`);
    this.addSql(`alter table "payout_item" add constraint "payout_item_batch_id_affiliate_id_currency_unique" unique ("batch_id", "affiliate_id", "currency");`);

    this.addSql(`create table "payout_schedule_run" ("campaign_id" uuid not null, "period" varchar(7) not null, "merchant_id" uuid not null, "batch_id" uuid null, "created_at" timestamptz not null, constraint "payout_schedule_run_pkey" primary key ("campaign_id", "period"));`);

    this.addSql(`create table "payout_item_commission" ("commission_id" uuid not null, "payout_item_id" uuid not null, "merchant_id" uuid not null, constraint "payout_item_commission_pkey" primary key ("commission_id"));`);
    this.addSql(`create index "payout_item_commission_payout_item_id_index" on "payout_item_commission" ("payout_item_id");`);

    this.addSql(`create table "clawback" ("id" uuid not null, "merchant_id" uuid not null, "commission_id" uuid not null, "amount_minor" bigint not null, "reason" text not null, "payout_item_id" uuid null, "applied_at" timestamptz null, "created_at" timestamptz not null, constraint "clawback_pkey" primary key ("id"), constraint clawback_amount_negative check (amount_minor < 0));`);
    this.addSql(`create index "clawback_payout_item_id_index" on "clawback" ("payout_item_id");`);
    this.addSql(`create index "clawback_commission_id_index" on "clawback" ("commission_id");`);

    this.addSql(`create table "stripe_event" ("id" varchar(255) not null, "type" varchar(100) not null, "received_at" timestamptz not null, constraint "stripe_event_pkey" primary key ("id"));`);

    this.addSql(`alter table "payout_account" add constraint "payout_account_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "payout_account" add constraint "payout_account_affiliate_id_foreign" foreign key ("affiliate_id") references "affiliate" ("id") on update cascade;`);

    this.addSql(`alter table "payout_batch" add constraint "payout_batch_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "payout_batch" add constraint "payout_batch_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade;`);

    this.addSql(`alter table "payout_item" add constraint "payout_item_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "payout_item" add constraint "payout_item_batch_id_foreign" foreign key ("batch_id") references "payout_batch" ("id") on update cascade;`);
    this.addSql(`alter table "payout_item" add constraint "payout_item_affiliate_id_foreign" foreign key ("affiliate_id") references "affiliate" ("id") on update cascade;`);

    this.addSql(`alter table "payout_schedule_run" add constraint "payout_schedule_run_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade;`);
    this.addSql(`alter table "payout_schedule_run" add constraint "payout_schedule_run_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "payout_item_commission" add constraint "payout_item_commission_commission_id_foreign" foreign key ("commission_id") references "commission" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payout_item_commission" add constraint "payout_item_commission_payout_item_id_foreign" foreign key ("payout_item_id") references "payout_item" ("id") on update cascade;`);
    this.addSql(`alter table "payout_item_commission" add constraint "payout_item_commission_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "clawback" add constraint "clawback_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "clawback" add constraint "clawback_commission_id_foreign" foreign key ("commission_id") references "commission" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "payout_item" drop constraint "payout_item_batch_id_foreign";`);

    this.addSql(`alter table "payout_item_commission" drop constraint "payout_item_commission_payout_item_id_foreign";`);

    this.addSql(`drop table if exists "payout_account" cascade;`);

    this.addSql(`drop table if exists "payout_batch" cascade;`);

    this.addSql(`drop table if exists "payout_item" cascade;`);

    this.addSql(`drop table if exists "payout_schedule_run" cascade;`);

    this.addSql(`drop table if exists "payout_item_commission" cascade;`);

    this.addSql(`drop table if exists "clawback" cascade;`);

    this.addSql(`drop table if exists "stripe_event" cascade;`);

    this.addSql(`drop type "payout_account_status";`);
    this.addSql(`drop type "payout_batch_status";`);
    this.addSql(`drop type "payout_item_status";`);
  }

}
