import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { parseInput } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { CommissionStatus } from './commission.entity.js';
import { sourcesOf } from './commission-rules.js';
import { pgArray } from '../../db/pg-arrays.js';
import type { WebhookOutbox } from '../webhooks/index.js';
import { commissionEvents } from './commissions.service.js';

/** A page of the commissions list at most twice over; more go by campaign or by hold. */
export const MAX_FINALIZE_IDS = 1_000;

const inputSchema = z.object({
  ids: z
    .array(z.string().refine(isUuid, 'contains a malformed id'))
    .min(1, 'give at least one id')
    .max(MAX_FINALIZE_IDS, `at most ${MAX_FINALIZE_IDS} ids: finalize more by campaign or by hold`)
    .nullish(),
  campaignId: z.string().refine(isUuid, 'is not a campaign id').nullish(),
});

/** The statuses finalization may start from, read from the state machine. */
const SOURCES = sourcesOf(CommissionStatus.FINALIZED);

/**
 * Locks commission amounts: FINALIZED commissions never change again (the database refuses it
 * too, see the commission_amount_locked trigger); refunds after this become clawbacks.
 */
export class FinalizationService {
  constructor(private readonly webhooks: WebhookOutbox) {}

  /**
   * With ids: those PENDING ones, now. Without: every PENDING one whose hold period, counted
   * from the order's time, has passed (optionally within one campaign). One UPDATE either way.
   */
  async finalize(em: EntityManager, merchantId: string | null, input: unknown, now: Date): Promise<number> {
    const { ids, campaignId } = parseInput(inputSchema, input ?? {});
    // Implied by the status; said so the unpaid-rows index can serve it.
    const where = ['c.paid_at is null', 'c.status = any(?::commission_status[])'];
    const params: unknown[] = [now, pgArray(SOURCES)];
    if (merchantId) where.push('c.merchant_id = ?') && params.push(merchantId);
    if (campaignId) where.push('c.campaign_id = ?') && params.push(campaignId);
    if (ids) where.push('c.id = any(?::uuid[])') && params.push(pgArray(ids));
    else where.push(`v.occurred_at + make_interval(days => k.hold_days) <= ?`) && params.push(now);
    // Their commission.updated events in the same statement.
    const events = this.webhooks.enqueueStatement('commission.updated', commissionEvents('f'), now);
    const [result] = await em.execute<{ n: number }[]>(
      `with f as (update commission c set status = '${CommissionStatus.FINALIZED}', finalized_at = ?
                    from conversion v, campaign k
                   where v.id = c.conversion_id and k.id = c.campaign_id and ${where.join(' and ')} returning c.*),
            e as (${events.sql})
       select count(*)::int as n from f`,
      [...params, ...events.params],
    );
    return result!.n;
  }

  /** The scheduled sweep over every merchant; an advisory lock keeps several processes from racing. */
  async sweep(em: EntityManager, now: Date): Promise<number> {
    return em.transactional(async (tx) => {
      const [lock] = await tx.execute<{ locked: boolean }[]>(`select pg_try_advisory_xact_lock(hashtext('sorae:finalize')) as locked`);
      return lock?.locked ? this.finalize(tx, null, {}, now) : 0;
    });
  }
}
