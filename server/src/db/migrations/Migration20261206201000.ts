import { Migration } from '@mikro-orm/migrations';

/**
 * Click watermarks: each server process's "every click I served before this ticket is stored",
 * and the ticket sequence orders draw from (see ClickWatermarks). A ticket is compared with the
 * value the sequence had when a process read it, so the sequence must not cache values per session.
 */
export class Migration20261206201000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create sequence "click_flush_ticket" cache 1;`);
    this.addSql(`create table "click_flush_mark" ("process_id" uuid not null, "through" bigint not null, "seen_at" timestamptz not null, constraint "click_flush_mark_pkey" primary key ("process_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "click_flush_mark";`);
    this.addSql(`drop sequence if exists "click_flush_ticket";`);
  }
}
