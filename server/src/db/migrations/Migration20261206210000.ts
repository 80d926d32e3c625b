import { Migration } from '@mikro-orm/migrations';

/**
 * API keys get scopes, an optional expiry and their last use. Keys that exist keep ORDERS and
 * READ, the default for new keys: they passed as FINANCE, but moving money by key is what a leak
 * turned into a transfer, so PAYOUTS is granted only by an owner creating a key that asks for it.
 */
export class Migration20261206210000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "api_key"
      add column "scopes" text[] not null default '{ORDERS,READ}',
      add column "expires_at" timestamptz null,
      add column "last_used_at" timestamptz null;`);
    this.addSql(`alter table "api_key" add constraint "api_key_scopes_check"
      check (cardinality("scopes") > 0 and "scopes" <@ array['ORDERS','READ','PAYOUTS']::text[]);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_key" drop constraint "api_key_scopes_check", drop column "scopes", drop column "expires_at", drop column "last_used_at";`);
  }
}
