import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in limits shared by every process (failed attempts per email and per client address), and
 * each session's last use for the idle timeout (sessions open now count as used now).
 */
export class Migration20261206211000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "signin_throttle" ("key" text not null, "free" int not null, "failures" int not null, "blocked_until" timestamptz not null, "expires_at" timestamptz not null, constraint "signin_throttle_pkey" primary key ("key"));`);
    this.addSql(`create index "signin_throttle_expires_at_index" on "signin_throttle" ("expires_at");`);
    this.addSql(`alter table "session" add column "last_seen_at" timestamptz not null default now();`);
    this.addSql(`alter table "session" alter column "last_seen_at" drop default;`);
    this.addSql(`create index "session_operator_id_index" on "session" ("operator_id");`);
    this.addSql(`create index "session_affiliate_id_index" on "session" ("affiliate_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "session_affiliate_id_index";`);
    this.addSql(`drop index "session_operator_id_index";`);
    this.addSql(`alter table "session" drop column "last_seen_at";`);
    this.addSql(`drop table "signin_throttle";`);
  }
}
