import { Migration } from '@mikro-orm/migrations';

/**
 * Share-link changes are announced by the database itself (`sorae_share_links`, read by each
 * server process's listener): a notification is delivered exactly when the change commits, and
 * never for one rolled back, whoever made the change (the API, a script, a manual fix).
 */
export class Migration20261124060000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function share_link_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('sorae_share_links', tg_argv[0] || ':' || new.id);
        return null;
      end $$;`);
    this.addSql(`create trigger enrollment_share_link_changed after update of status on enrollment for each row
      when (old.status is distinct from new.status) execute function share_link_changed('enrollment');`);
    this.addSql(`create trigger campaign_share_link_changed after update of status, destination_url on campaign for each row
      when (old.status is distinct from new.status or old.destination_url is distinct from new.destination_url)
      execute function share_link_changed('campaign');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger campaign_share_link_changed on campaign;`);
    this.addSql(`drop trigger enrollment_share_link_changed on enrollment;`);
    this.addSql(`drop function share_link_changed();`);
  }
}
