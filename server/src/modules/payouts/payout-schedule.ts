import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger.js';
import { TENANT } from '../tenancy.js';
import type { BatchBuilder } from './batch-builder.js';
import { periodEnd, previousPeriod } from './payout-rules.js';

/** The monthly schedule: each campaign's batch for the month before, built (and maybe executed) once. */
export class PayoutSchedule {
  constructor(
    private readonly orm: MikroORM,
    private readonly builder: BatchBuilder,
    private readonly execute: (em: EntityManager, merchantId: string, batchId: string, now: Date) => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /**
   * On (or after, if the server was down) each campaign's payoutDayOfMonth, the batch for the
   * previous month: commissions finalized before that month ended. At most once per campaign
   * and period (payout_schedule_run's primary key), executed at once if the campaign says so.
   */
  async run(now: Date): Promise<void> {
    const period = previousPeriod(now);
    const due = await this.orm.em.fork().execute<{ id: string; merchant_id: string; auto_execute_payouts: boolean }[]>(
      `select c.id, c.merchant_id, c.auto_execute_payouts from campaign c
        where c.payout_day_of_month <= ? and not exists (select 1 from payout_schedule_run r where r.campaign_id = c.id and r.period = ?)`,
      [now.getUTCDate(), period],
    );
    for (const c of due) {
      const em = this.orm.em.fork();
      em.setFilterParams(TENANT, { merchantId: c.merchant_id });
      try {
        const batchId = await em.transactional(async (tx) => {
          const claimed = await tx.execute<QueryResult>(
            `insert into payout_schedule_run (campaign_id, period, merchant_id, created_at) values (?, ?, ?, ?) on conflict do nothing`,
            [c.id, period, c.merchant_id, now],
            'run',
          );
          if (claimed.affectedRows !== 1) return null; // another process ran it
          const id = await this.builder.build(tx, c.merchant_id, c.id, period, now, periodEnd(period));
          if (id) await tx.execute(`update payout_schedule_run set batch_id = ? where campaign_id = ? and period = ?`, [id, c.id, period], 'run');
          return id;
        });
        if (batchId && c.auto_execute_payouts) await this.execute(em, c.merchant_id, batchId, now);
      } catch (err) {
        this.log.error({ err, campaignId: c.id, period }, 'payouts: scheduled batch failed');
      }
    }
  }
}
