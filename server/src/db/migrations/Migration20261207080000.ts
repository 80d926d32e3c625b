import { Migration } from '@mikro-orm/migrations';

/**
 * Outgoing webhooks: each merchant's endpoints (the signing secret sealed), the outbox of
 * deliveries (one per endpoint and event, written in the transaction of the change that causes
 * the event) and every attempt's outcome. `sorae_uuidv7` gives rows written by set-based SQL
 * time-ordered ids like the server's own, so their lists page by id.
 */
export class Migration20261207080000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function sorae_uuidv7(at timestamptz) returns uuid language sql volatile as $$
      select (lpad(to_hex(floor(extract(epoch from at) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
              || to_hex(8 + floor(random() * 4)::int) || substr(md5(random()::text), 1, 15))::uuid
    $$;`);
    this.addSql(`create type "webhook_delivery_status" as enum ('PENDING', 'SUCCEEDED', 'FAILED');`);
    this.addSql(
      `create table "webhook_endpoint" ("id" uuid not null, "merchant_id" uuid not null, "url" varchar(2048) not null, "events" text[] not null, "secret" text not null, "created_at" timestamptz not null, "failing_since" timestamptz null, "disabled_at" timestamptz null, constraint "webhook_endpoint_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_endpoint_merchant_id_index" on "webhook_endpoint" ("merchant_id") where "disabled_at" is null;`);
    this.addSql(
      `alter table "webhook_endpoint" add constraint "webhook_endpoint_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`,
    );
    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "merchant_id" uuid not null, "endpoint_id" uuid not null, "message_id" uuid not null, "event_type" varchar(64) not null, "body" text not null, "status" "webhook_delivery_status" not null default 'PENDING', "attempts" int not null default 0, "retry_step" int not null default 0, "next_attempt_at" timestamptz not null, "claim" uuid null, "last_response_status" int null, "last_error" text null, "created_at" timestamptz not null, "delivered_at" timestamptz null, constraint "webhook_delivery_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_delivery_due" on "webhook_delivery" ("next_attempt_at") where "status" = 'PENDING';`);
    this.addSql(`create index "webhook_delivery_endpoint_id_id_index" on "webhook_delivery" ("endpoint_id", "id");`);
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`,
    );
    this.addSql(
      `create table "webhook_attempt" ("id" uuid not null, "merchant_id" uuid not null, "delivery_id" uuid not null, "attempted_at" timestamptz not null, "response_status" int null, "error" text null, "duration_ms" int not null, constraint "webhook_attempt_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_attempt_delivery_id_index" on "webhook_attempt" ("delivery_id", "id");`);
    this.addSql(
      `alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "webhook_delivery" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_attempt" add constraint "webhook_attempt_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "webhook_attempt";`);
    this.addSql(`drop table "webhook_delivery";`);
    this.addSql(`drop table "webhook_endpoint";`);
    this.addSql(`drop type "webhook_delivery_status";`);
    this.addSql(`drop function sorae_uuidv7(timestamptz);`);
  }
}
