import { Migration } from '@mikro-orm/migrations';

/**
 * Finding an affiliate by part of a name or an email (`ilike '%…%'`) among a large program:
 * trigram indexes answer a substring search without reading every affiliate. Commissions of
 * one affiliate, newest first, page by id (as a campaign's already do) (the list and its CSV export): with
 * (affiliate_id) alone every batch re-read and sorted all of the affiliate's rows.
 */
export class Migration20261207060000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "affiliate_email_trgm" on "affiliate" using gin ("email" gin_trgm_ops);`);
    this.addSql(`create index "affiliate_name_trgm" on "affiliate" using gin ("name" gin_trgm_ops);`);
    this.addSql(`create index "commission_affiliate_id_id_index" on "commission" ("affiliate_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "affiliate_email_trgm";`);
    this.addSql(`drop index "affiliate_name_trgm";`);
    this.addSql(`drop index "commission_affiliate_id_id_index";`);
  }
}
