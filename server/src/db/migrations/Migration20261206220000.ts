import { Migration } from '@mikro-orm/migrations';

/**
 * Outgoing mail: every message, queued in the transaction that causes it and kept after it is
 * sent (the owner's outbox), and notification recipients' unsubscribe tokens.
 */
export class Migration20261206220000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "mail_status" as enum ('QUEUED', 'SENT', 'FAILED', 'OUTBOX');`);
    this.addSql(`create table "mail_message" ("id" uuid not null, "merchant_id" uuid not null, "kind" varchar(64) not null, "to_address" varchar(320) not null, "from_name" varchar(200) not null, "subject" text not null, "html" text not null, "text" text not null, "unsubscribe_url" text null, "status" "mail_status" not null default 'QUEUED', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, "created_at" timestamptz not null, "sent_at" timestamptz null, constraint "mail_message_pkey" primary key ("id"));`);
    this.addSql(`create index "mail_message_merchant_id_id_index" on "mail_message" ("merchant_id", "id");`);
    this.addSql(`create index "mail_message_due" on "mail_message" ("next_attempt_at") where "status" = 'QUEUED';`);
    this.addSql(`alter table "mail_message" add constraint "mail_message_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`create table "mail_recipient" ("id" uuid not null, "merchant_id" uuid not null, "email" varchar(320) not null, "unsubscribe_token" varchar(64) not null, "unsubscribed_at" timestamptz null, constraint "mail_recipient_pkey" primary key ("id"));`);
    this.addSql(`alter table "mail_recipient" add constraint "mail_recipient_unsubscribe_token_unique" unique ("unsubscribe_token");`);
    this.addSql(`alter table "mail_recipient" add constraint "mail_recipient_merchant_id_email_unique" unique ("merchant_id", "email");`);
    this.addSql(`alter table "mail_recipient" add constraint "mail_recipient_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "mail_recipient";`);
    this.addSql(`drop table "mail_message";`);
    this.addSql(`drop type "mail_status";`);
  }
}
