import { Migration } from '@mikro-orm/migrations';

/**
 * What the public application page and the portal show of a program besides its terms: a
 * description, the name it is offered under (the merchant's name when empty) and a logo URL.
 */
export class Migration20261206223000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "campaign" add column "description" text not null default '', add column "brand_name" varchar(200) null, add column "logo_url" varchar(2048) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "campaign" drop column "description", drop column "brand_name", drop column "logo_url";`);
  }
}
