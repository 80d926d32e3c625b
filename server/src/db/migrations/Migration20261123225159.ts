import { Migration } from '@mikro-orm/migrations';

export class Migration20261123225159 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create type "application_status" as enum ('SUBMITTED', 'APPROVED', 'REJECTED');`);
    this.addSql(`create type "enrollment_status" as enum ('ACTIVE', 'SUSPENDED');`);
    this.addSql(`create table "application" ("id" uuid not null, "merchant_id" uuid not null, "campaign_id" uuid not null, "affiliate_id" uuid not null, "status" "application_status" not null default 'SUBMITTED', "email" varchar(320) not null, "name" varchar(200) not null, "answers" jsonb not null, "fields_snapshot" jsonb not null, "search_text" text not null, "submitted_at" timestamptz not null, "reviewed_at" timestamptz null, "reviewed_by_id" uuid null, "rejection_reason" text null, constraint "application_pkey" primary key ("id"));`);
    this.addSql(`create index "application_campaign_id_status_index" on "application" ("campaign_id", "status");`);
    this.addSql(`create index "application_merchant_id_status_index" on "application" ("merchant_id", "status");`);
    this.addSql(`alter table "application" add constraint "application_campaign_id_email_unique" unique ("campaign_id", "email");`);
    // The queue pages by id within a merchant and searches by substring (trigrams).
    this.addSql(`create index "application_merchant_id_id_index" on "application" ("merchant_id", "id");`);
    this.addSql(`create index "application_search_text_trgm" on "application" using gin ("search_text" gin_trgm_ops);`);

    this.addSql(`create table "enrollment" ("id" uuid not null, "merchant_id" uuid not null, "campaign_id" uuid not null, "affiliate_id" uuid not null, "application_id" uuid not null, "share_code" varchar(16) not null, "status" "enrollment_status" not null default 'ACTIVE', "created_at" timestamptz not null, constraint "enrollment_pkey" primary key ("id"));`);
    this.addSql(`create index "enrollment_affiliate_id_index" on "enrollment" ("affiliate_id");`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_application_id_unique" unique ("application_id");`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_share_code_unique" unique ("share_code");`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_campaign_id_affiliate_id_unique" unique ("campaign_id", "affiliate_id");`);

    this.addSql(`alter table "application" add constraint "application_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "application" add constraint "application_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade;`);
    this.addSql(`alter table "application" add constraint "application_affiliate_id_foreign" foreign key ("affiliate_id") references "affiliate" ("id") on update cascade;`);
    this.addSql(`alter table "application" add constraint "application_reviewed_by_id_foreign" foreign key ("reviewed_by_id") references "operator" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "enrollment" add constraint "enrollment_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade;`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_affiliate_id_foreign" foreign key ("affiliate_id") references "affiliate" ("id") on update cascade;`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_application_id_foreign" foreign key ("application_id") references "application" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "enrollment" drop constraint "enrollment_application_id_foreign";`);

    this.addSql(`drop table if exists "application" cascade;`);

    this.addSql(`drop table if exists "enrollment" cascade;`);

    this.addSql(`drop type "application_status";`);
    this.addSql(`drop type "enrollment_status";`);
  }

}
