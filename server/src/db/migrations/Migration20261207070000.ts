import { Migration } from '@mikro-orm/migrations';

/**
 * Password resets (a hashed single-use token per request, an hour long) and operator
 * invitations: an invited operator is a row without a password, holding the hash of its
 * invitation token until accepted; exactly one of the two is set.
 */
export class Migration20261207070000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "password_reset" (
      "id" uuid not null primary key,
      "token_hash" varchar(64) not null unique,
      "merchant_id" uuid not null references "merchant" ("id") on update cascade on delete cascade,
      "operator_id" uuid null references "operator" ("id") on update cascade on delete cascade,
      "affiliate_id" uuid null references "affiliate" ("id") on update cascade on delete cascade,
      "expires_at" timestamptz not null,
      "used_at" timestamptz null,
      "created_at" timestamptz not null,
      constraint "password_reset_one_account" check (("operator_id" is null) <> ("affiliate_id" is null)));`);
    this.addSql(`create index "password_reset_operator_id_index" on "password_reset" ("operator_id");`);
    this.addSql(`create index "password_reset_affiliate_id_index" on "password_reset" ("affiliate_id");`);
    this.addSql(`alter table "operator" alter column "password_hash" drop not null,
      add column "invitation_token_hash" varchar(64) null unique,
      add column "invitation_expires_at" timestamptz null,
      add constraint "operator_password_or_invitation" check (("password_hash" is null) <> ("invitation_token_hash" is null));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "password_reset" cascade;`);
    this.addSql(`delete from "operator" where "password_hash" is null;`);
    this.addSql(`alter table "operator" drop constraint "operator_password_or_invitation", drop column "invitation_token_hash", drop column "invitation_expires_at",
      alter column "password_hash" set not null;`);
  }
}
