import { Migration } from '@mikro-orm/migrations';

/**
 * Recurring commissions and promotion codes: a campaign's commission duration and Stripe coupon,
 * an enrollment's promotion code (one per merchant, case-insensitive as Stripe's are), an
 * order's coupon code and subscription (with its billing period), and a commission's place in
 * its subscription's chain (`sequence`, 1 for the first payment).
 */
export class Migration20261207030000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "commission_duration" as enum ('ONCE', 'MONTHS', 'FOREVER');`);
    this.addSql(
      `alter table "campaign" add column "commission_duration" "commission_duration" not null default 'ONCE', add column "commission_duration_months" int null, add column "stripe_coupon_id" varchar(255) null;`,
    );
    this.addSql(`alter table "enrollment" add column "promotion_code" varchar(64) null, add column "stripe_promotion_code_id" varchar(255) null;`);
    this.addSql(`create unique index "enrollment_promotion_code_unique" on "enrollment" ("merchant_id", lower("promotion_code")) where "promotion_code" is not null;`);
    this.addSql(`alter table "store_order" add column "coupon_code" varchar(64) null, add column "subscription_id" varchar(200) null, add column "period_start" timestamptz null;`);
    // A renewal finds its subscription's first paid order by this index.
    this.addSql(
      `create index "store_order_subscription_index" on "store_order" ("merchant_id", "subscription_id", "period_start") where "subscription_id" is not null;`,
    );
    this.addSql(`alter table "commission" add column "sequence" int not null default 1, add column "subscription_id" varchar(200) null;`);
    this.addSql(`create index "commission_subscription_index" on "commission" ("merchant_id", "subscription_id") where "subscription_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "commission" drop column "sequence", drop column "subscription_id";`);
    this.addSql(`alter table "store_order" drop column "coupon_code", drop column "subscription_id", drop column "period_start";`);
    this.addSql(`alter table "enrollment" drop column "promotion_code", drop column "stripe_promotion_code_id";`);
    this.addSql(`alter table "campaign" drop column "commission_duration", drop column "commission_duration_months", drop column "stripe_coupon_id";`);
    this.addSql(`drop type "commission_duration";`);
  }
}
