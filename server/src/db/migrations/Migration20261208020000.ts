import { Migration } from '@mikro-orm/migrations';

/**
 * Enrollments' promotion codes follow the campaign's coupon: the coupon each Stripe code was
 * created for (codes made so far were made for the campaign's coupon of today), and why the
 * last attempt to create one failed (a coupon the connected account does not have).
 */
export class Migration20261208020000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "enrollment" add column "stripe_promotion_coupon_id" varchar(255) null, add column "promotion_code_error" text null;`);
    this.addSql(
      `update "enrollment" e set "stripe_promotion_coupon_id" = k."stripe_coupon_id" from "campaign" k where k."id" = e."campaign_id" and e."stripe_promotion_code_id" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "enrollment" drop column "stripe_promotion_coupon_id", drop column "promotion_code_error";`);
  }
}
