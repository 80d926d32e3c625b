import { Migration } from '@mikro-orm/migrations';

/**
 * Applications per (merchant, campaign, status), kept by a trigger on every insert, status
 * change and delete, whatever writes them (submission, set-based review, imports). The queue's
 * tab counts and unsearched totals read these few rows instead of counting every application.
 */
export class Migration20261124003000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "application_status_count" (
      "merchant_id" uuid not null, "campaign_id" uuid not null, "status" "application_status" not null, "n" bigint not null default 0,
      constraint "application_status_count_pkey" primary key ("merchant_id", "campaign_id", "status"));`);
    this.addSql(`insert into application_status_count (merchant_id, campaign_id, status, n)
      select merchant_id, campaign_id, status, count(*) from application group by merchant_id, campaign_id, status;`);
    this.addSql(`create or replace function application_status_count_change() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then
          update application_status_count set n = n - 1
           where merchant_id = old.merchant_id and campaign_id = old.campaign_id and status = old.status;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
          insert into application_status_count (merchant_id, campaign_id, status, n) values (new.merchant_id, new.campaign_id, new.status, 1)
          on conflict (merchant_id, campaign_id, status) do update set n = application_status_count.n + 1;
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger application_status_count_insert after insert or delete on application for each row execute function application_status_count_change();`);
    this.addSql(`create trigger application_status_count_update after update of status, campaign_id, merchant_id on application for each row
      when (old.status is distinct from new.status or old.campaign_id is distinct from new.campaign_id or old.merchant_id is distinct from new.merchant_id)
      execute function application_status_count_change();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists application_status_count_update on application;`);
    this.addSql(`drop trigger if exists application_status_count_insert on application;`);
    this.addSql(`drop function if exists application_status_count_change();`);
    this.addSql(`drop table if exists application_status_count;`);
  }
}
