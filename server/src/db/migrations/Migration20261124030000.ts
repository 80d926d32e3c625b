import { Migration } from '@mikro-orm/migrations';

/**
 * Each click pays for every index of `click` as it is written, and the redirect shares its
 * machine with PostgreSQL. Nothing reads clicks by enrollment; an affiliate's clicks are read
 * newest first by id (keyset pages), which (affiliate_id, id) serves and (affiliate_id,
 * occurred_at) did not.
 */
export class Migration20261124030000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "click_enrollment_id_occurred_at_index";`);
    this.addSql(`drop index "click_affiliate_id_occurred_at_index";`);
    this.addSql(`create index "click_affiliate_id_id_index" on "click" ("affiliate_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "click_affiliate_id_id_index";`);
    this.addSql(`create index "click_affiliate_id_occurred_at_index" on "click" ("affiliate_id", "occurred_at");`);
    this.addSql(`create index "click_enrollment_id_occurred_at_index" on "click" ("enrollment_id", "occurred_at");`);
  }
}
