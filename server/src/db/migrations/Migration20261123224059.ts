import { Migration } from '@mikro-orm/migrations';

export class Migration20261123224059 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "campaign_status" as enum ('ACTIVE', 'PAUSED', 'ARCHIVED');`);
    this.addSql(`create type "commission_type" as enum ('PERCENTAGE', 'FLAT');`);
    this.addSql(`create type "operator_role" as enum ('OWNER', 'REVIEWER', 'FINANCE');`);
    this.addSql(`create type "session_kind" as enum ('OPERATOR', 'AFFILIATE');`);
    this.addSql(`create table "merchant" ("id" uuid not null, "name" varchar(200) not null, "created_at" timestamptz not null, constraint "merchant_pkey" primary key ("id"));`);

    this.addSql(`create table "campaign" ("id" uuid not null, "merchant_id" uuid not null, "name" varchar(200) not null, "slug" varchar(64) not null, "status" "campaign_status" not null default 'ACTIVE', "destination_url" varchar(2048) not null, "currency" varchar(3) not null, "commission_type" "commission_type" not null, "commission_rate_bps" int null, "commission_amount_minor" bigint null, "attribution_window_days" int not null, "hold_days" int not null, "min_payout_minor" bigint not null, "payout_day_of_month" int not null, "intake_fields" jsonb not null, "show_rejection_reason_to_applicant" boolean not null default false, "auto_execute_payouts" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "campaign_pkey" primary key ("id"));`);
    this.addSql(`alter table "campaign" add constraint "campaign_slug_unique" unique ("slug");`);

    this.addSql(`create table "affiliate" ("id" uuid not null, "merchant_id" uuid not null, "email" varchar(320) not null, "name" varchar(200) not null, "password_hash" varchar(200) not null, "created_at" timestamptz not null, constraint "affiliate_pkey" primary key ("id"));`);
    this.addSql(`alter table "affiliate" add constraint "affiliate_merchant_id_email_unique" unique ("merchant_id", "email");`);

    this.addSql(`create table "operator" ("id" uuid not null, "merchant_id" uuid not null, "email" varchar(320) not null, "name" varchar(200) not null, "role" "operator_role" not null, "password_hash" varchar(200) not null, "created_at" timestamptz not null, constraint "operator_pkey" primary key ("id"));`);
    this.addSql(`alter table "operator" add constraint "operator_email_unique" unique ("email");`);

    this.addSql(`create table "api_key" ("id" uuid not null, "merchant_id" uuid not null, "name" varchar(100) not null, "prefix" varchar(20) not null, "key_hash" varchar(64) not null, "created_by_id" uuid null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);

    this.addSql(`create table "session" ("id" uuid not null, "token_hash" varchar(64) not null, "kind" "session_kind" not null, "merchant_id" uuid not null, "operator_id" uuid null, "affiliate_id" uuid null, "expires_at" timestamptz not null, "created_at" timestamptz not null, constraint "session_pkey" primary key ("id"));`);
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "session_expires_at_index" on "session" ("expires_at");`);

    this.addSql(`alter table "campaign" add constraint "campaign_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "affiliate" add constraint "affiliate_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "operator" add constraint "operator_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "api_key" add constraint "api_key_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "operator" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "session" add constraint "session_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "session" add constraint "session_operator_id_foreign" foreign key ("operator_id") references "operator" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "session" add constraint "session_affiliate_id_foreign" foreign key ("affiliate_id") references "affiliate" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "campaign" drop constraint "campaign_merchant_id_foreign";`);

    this.addSql(`alter table "affiliate" drop constraint "affiliate_merchant_id_foreign";`);

    this.addSql(`alter table "operator" drop constraint "operator_merchant_id_foreign";`);

    this.addSql(`alter table "api_key" drop constraint "api_key_merchant_id_foreign";`);

    this.addSql(`alter table "session" drop constraint "session_merchant_id_foreign";`);

    this.addSql(`alter table "session" drop constraint "session_affiliate_id_foreign";`);

    this.addSql(`alter table "api_key" drop constraint "api_key_created_by_id_foreign";`);

    this.addSql(`alter table "session" drop constraint "session_operator_id_foreign";`);

    this.addSql(`drop table if exists "merchant" cascade;`);

    this.addSql(`drop table if exists "campaign" cascade;`);

    this.addSql(`drop table if exists "affiliate" cascade;`);

    this.addSql(`drop table if exists "operator" cascade;`);

    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`drop table if exists "session" cascade;`);

    this.addSql(`drop type "campaign_status";`);
    this.addSql(`drop type "commission_type";`);
    this.addSql(`drop type "operator_role";`);
    this.addSql(`drop type "session_kind";`);
  }

}
