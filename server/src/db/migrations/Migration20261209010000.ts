import { Migration } from '@mikro-orm/migrations';

/**
 * Clicks say whether the redirect issued their visitor id (`new_visitor`): such a click is its
 * visitor's first, so analytics counts its (link, visitor, hour) key as unique without looking
 * for earlier clicks in the visitor index. Clicks stored before are false: their keys are looked
 * up as before, which is exact for them too. A constant default: no table rewrite.
 */
export class Migration20261209010000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "click" add column "new_visitor" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "click" drop column "new_visitor";`);
  }
}
