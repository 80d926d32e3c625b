import { Migration } from '@mikro-orm/migrations';

/**
 * Public submissions waiting for their email to be confirmed (the emailed link's token stored
 * hashed); confirmed, each becomes the Application under the same id.
 */
export class Migration20261206220100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "application_request" ("id" uuid not null, "merchant_id" uuid not null, "campaign_id" uuid not null, "email" varchar(320) not null, "name" varchar(200) not null, "answers" jsonb not null, "fields_snapshot" jsonb not null, "password_hash" varchar(200) not null, "token_hash" varchar(64) not null, "submitted_at" timestamptz not null, "expires_at" timestamptz not null, "confirmed_at" timestamptz null, constraint "application_request_pkey" primary key ("id"));`);
    this.addSql(`alter table "application_request" add constraint "application_request_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "application_request_expires_at_index" on "application_request" ("expires_at");`);
    this.addSql(`alter table "application_request" add constraint "application_request_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "application_request" add constraint "application_request_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "application_request";`);
  }
}
