import { Migration } from '@mikro-orm/migrations';

/** The commissions list filtered by campaign pages by id; `status` stays out (finalization is HOT). */
export class Migration20261124040000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "commission_campaign_id_id_index" on "commission" ("campaign_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "commission_campaign_id_id_index";`);
  }
}
