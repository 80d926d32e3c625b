import { Migration } from '@mikro-orm/migrations';

/**
 * One row holding the next free Stripe call slot for payout transfers. Every runner, in every
 * server process, takes its slots here, so several processes together keep the configured rate
 * (each pacing on its own sent N times the rate and drew 429s from Stripe).
 */
export class Migration20261124070000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "payout_pace" ("id" smallint not null default 1, "next_at" timestamptz not null default '-infinity', constraint "payout_pace_pkey" primary key ("id"), constraint "payout_pace_one_row" check ("id" = 1));`);
    this.addSql(`insert into "payout_pace" ("id") values (1);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "payout_pace";`);
  }
}
