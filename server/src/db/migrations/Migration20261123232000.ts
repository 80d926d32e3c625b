import { Migration } from '@mikro-orm/migrations';

/** A finalized or paid commission's amount is locked: the database refuses any change to it. */
export class Migration20261123232000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function commission_amount_locked() returns trigger language plpgsql as $$
      begin
        if old.status in ('FINALIZED', 'PAID')
           and (new.amount_minor is distinct from old.amount_minor or new.original_amount_minor is distinct from old.original_amount_minor) then
          raise exception 'commission % is %: its amount is locked', old.id, old.status using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
    // Only updates that set the amounts fire it: finalizing a million rows pays nothing for it.
    this.addSql(`create trigger commission_amount_locked before update of amount_minor, original_amount_minor on commission for each row execute function commission_amount_locked();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists commission_amount_locked on commission;`);
    this.addSql(`drop function if exists commission_amount_locked();`);
  }
}
