import { Migration } from '@mikro-orm/migrations';

/**
 * Order-webhook secrets are stored sealed (`sb1:<key id>:<iv ‖ ciphertext ‖ tag>`), longer than
 * the 100 characters a plaintext secret needed. The rows themselves are sealed at start-up
 * (`OrdersService.resealWebhookSecrets`): a migration does not hold SECRETS_KEY.
 */
export class Migration20261206205000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "order_webhook_secret" alter column "secret" type text using ("secret"::text);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "order_webhook_secret" alter column "secret" type varchar(100) using ("secret"::varchar(100));`);
  }
}
