import { Migration } from '@mikro-orm/migrations';

/**
 * The hash of each order-webhook event's body: an event id delivered again with another body is
 * refused (409) instead of answered with the first one's result. Events stored before have none.
 */
export class Migration20261206204000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "webhook_event" add column "body_hash" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_event" drop column "body_hash";`);
  }
}
