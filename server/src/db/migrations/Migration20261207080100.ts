import { Migration } from '@mikro-orm/migrations';

/**
 * Incoming order webhooks: every delivery received is logged, refused ones with the reason; a
 * rotated secret keeps verifying until `previous_expires_at` (24 hours), so a store can switch over.
 */
export class Migration20261207080100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "order_webhook_secret" add column "previous_secret" text null, add column "previous_expires_at" timestamptz null;`);
    this.addSql(
      `create table "order_webhook_delivery" ("id" uuid not null, "merchant_id" uuid not null, "received_at" timestamptz not null, "event_id" varchar(200) null, "status" varchar(16) not null, "http_status" int not null, "error" text null, constraint "order_webhook_delivery_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "order_webhook_delivery_merchant_id_id_index" on "order_webhook_delivery" ("merchant_id", "id");`);
    this.addSql(
      `alter table "order_webhook_delivery" add constraint "order_webhook_delivery_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "order_webhook_delivery";`);
    this.addSql(`alter table "order_webhook_secret" drop column "previous_secret", drop column "previous_expires_at";`);
  }
}
