import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger.js';
import { pgArray } from '../../db/pg-arrays.js';
import type { CampaignsService } from '../campaigns/index.js';
import { TENANT } from '../tenancy.js';
import type { BatchBuilder } from './batch-builder.js';
import { periodEnd, previousPeriod } from './payout-rules.js';

/** The monthly schedule: each campaign's batch for the month before, built (and maybe executed) once. */
export class PayoutSchedule {
  constructor(
    private readonly orm: MikroORM,
    private readonly builder: BatchBuilder,
    private readonly campaigns: CampaignsService,
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
    const em = this.orm.em.fork();
    const reached = await this.campaigns.payoutDayReached(em, now.getUTCDate());
    const ran = await em.execute<{ campaign_id: string }[]>(`select campaign_id from payout_schedule_run where period = ? and campaign_id = any(?::uuid[])`, [
      period,
      pgArray(reached.map((c) => c.id)),
    ]);
    const done = new Set(ran.map((r) => r.campaign_id));
    for (const c of reached.filter((r) => !done.has(r.id))) {
      const scoped = this.orm.em.fork();
      scoped.setFilterParams(TENANT, { merchantId: c.merchantId });
      try {
        const batchId = await scoped.transactional(async (tx) => {
          const claimed = await tx.execute<QueryResult>(
            `insert into payout_schedule_run (campaign_id, period, merchant_id, created_at) values (?, ?, ?, ?) on conflict do nothing`,
            [c.id, period, c.merchantId, now],
            'run',
          );
          if (claimed.affectedRows !== 1) return null; // another process ran it
          const id = await this.builder.build(tx, c.merchantId, c.id, period, now, periodEnd(period));
          if (id) await tx.execute(`update payout_schedule_run set batch_id = ? where campaign_id = ? and period = ?`, [id, c.id, period], 'run');
          return id;
        });
        if (batchId && c.autoExecutePayouts) await this.execute(scoped, c.merchantId, batchId, now);
      } catch (err) {
        this.log.error({ err, campaignId: c.id, period }, 'payouts: scheduled batch failed');
      }
    }
  }
}
