import { Migration } from '@mikro-orm/migrations';

/**
 * A finalized or paid commission never goes back: without this, moving it to PENDING first would
 * let its locked amount change. The trigger's WHEN is checked without calling the function, so
 * finalizing (from PENDING) and paying (FINALIZED → PAID) a million rows cost nothing more.
 */
export class Migration20261124080000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function commission_status_locked() returns trigger language plpgsql as $$
      begin
        raise exception 'commission % is %: it cannot become %', old.id, old.status, new.status using errcode = 'check_violation';
      end $$;`);
    this.addSql(`create trigger commission_status_locked before update of status on commission for each row
      when (old.status in ('FINALIZED', 'PAID') and new.status is distinct from old.status and not (old.status = 'FINALIZED' and new.status = 'PAID'))
      execute function commission_status_locked();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists commission_status_locked on commission;`);
    this.addSql(`drop function if exists commission_status_locked();`);
  }
}
