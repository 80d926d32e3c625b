import { Migration } from '@mikro-orm/migrations';

/**
 * Selling through Stripe: the account each merchant sells through (its key and webhook signing
 * secret sealed with SECRETS_KEY), and each event from it once, with what became of it (its
 * order and that order's payment, which refunds and disputes name).
 */
export class Migration20261207020000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "stripe_sales_account" (
      "merchant_id" uuid not null, "account_id" varchar(255) not null, "api_key" text not null, "endpoint_id" varchar(255) not null,
      "endpoint_secret" text not null, "livemode" boolean not null,
      "status" text check ("status" in ('NOT_CONNECTED', 'CONNECTED', 'ERROR')) not null default 'CONNECTED',
      "last_error" text null, "connected_at" timestamptz not null, "last_event_at" timestamptz null,
      constraint "stripe_sales_account_pkey" primary key ("merchant_id"));`);
    this.addSql(
      `alter table "stripe_sales_account" add constraint "stripe_sales_account_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`,
    );
    this.addSql(`create table "stripe_sales_event" (
      "id" uuid not null, "merchant_id" uuid not null, "event_id" varchar(255) not null, "type" varchar(100) not null, "outcome" varchar(20) not null,
      "detail" text null, "order_id" varchar(255) null, "payment_intent" varchar(255) null,
      "order_amount_minor" bigint null, "charged_minor" bigint null, "received_at" timestamptz not null,
      constraint "stripe_sales_event_pkey" primary key ("id"));`);
    this.addSql(`alter table "stripe_sales_event" add constraint "stripe_sales_event_merchant_id_event_id_unique" unique ("merchant_id", "event_id");`);
    this.addSql(`create index "stripe_sales_event_merchant_id_payment_intent_index" on "stripe_sales_event" ("merchant_id", "payment_intent");`);
    this.addSql(
      `alter table "stripe_sales_event" add constraint "stripe_sales_event_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "stripe_sales_event";`);
    this.addSql(`drop table if exists "stripe_sales_account";`);
  }
}
