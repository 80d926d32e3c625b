import { Migration } from '@mikro-orm/migrations';

/** When the Stripe read behind a payout account's stored status began: the later read wins. */
export class Migration20261124090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "payout_account" add column "stripe_read_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "payout_account" drop column "stripe_read_at";`);
  }
}
