import { Migration } from '@mikro-orm/migrations';

export class Migration20261123232445 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "clawback" add column "refund_id" uuid null;`);
    this.addSql(`alter table "clawback" add constraint "clawback_refund_id_foreign" foreign key ("refund_id") references "refund" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "clawback" add constraint "clawback_commission_id_refund_id_unique" unique ("commission_id", "refund_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "clawback" drop constraint "clawback_refund_id_foreign";`);

    this.addSql(`alter table "clawback" drop constraint "clawback_commission_id_refund_id_unique";`);
    this.addSql(`alter table "clawback" drop column "refund_id";`);
  }

}
