import { Migration } from '@mikro-orm/migrations';

export class Migration20261123235712 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "payout_item_commission" drop constraint "payout_item_commission_commission_id_foreign";`);
    this.addSql(`alter table "payout_item_commission" drop constraint "payout_item_commission_merchant_id_foreign";`);
    this.addSql(`alter table "payout_item_commission" drop constraint "payout_item_commission_payout_item_id_foreign";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "payout_item_commission" add constraint "payout_item_commission_commission_id_foreign" foreign key ("commission_id") references "commission" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payout_item_commission" add constraint "payout_item_commission_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade on delete no action;`);
    this.addSql(`alter table "payout_item_commission" add constraint "payout_item_commission_payout_item_id_foreign" foreign key ("payout_item_id") references "payout_item" ("id") on update cascade on delete no action;`);
  }

}
