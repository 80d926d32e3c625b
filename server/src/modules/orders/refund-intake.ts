import type { EntityManager } from '@mikro-orm/postgresql';
import { emExec } from '../../db/sql-runner.js';
import { badInput, conflict } from '../../errors.js';
import { uuidv7 } from '../../ids.js';
import { Channel } from '../tracking/index.js';
import { json, type EventRef, type RefundInput, type RefundOutcome } from './order-input.js';
import type { CommissionAccrual, ConversionRollup } from './ports.js';
import { storedResponse } from './webhook-events.js';

/** Refunds in: checked against their order under its row lock; the commission adjusted through `CommissionAccrual`. */
export class RefundIntake {
  constructor(
    private readonly accrual: CommissionAccrual,
    private readonly rollup?: ConversionRollup,
  ) {}

  /**
   * A refund, in one transaction holding its order's row lock, so refunds of one order apply one
   * at a time and together never exceed it. A refund id recorded before answers as it did (with
   * other content: CONFLICT); a new one must fit in what is left of the order.
   */
  async ingest(em: EntityManager, merchantId: string, refund: RefundInput, event: EventRef | null, now: Date): Promise<RefundOutcome> {
    const field = (name: 'id' | 'amountMinor') => (event ? `refund.${name}` : name);
    const result = await em.transactional(async (tx) => {
      const [order] = await tx.execute<
        { id: string; amount_minor: string; conversion_id: string; channel: Channel; campaign_id: string; enrollment_id: string; affiliate_id: string }[]
      >(
        `select o.id, o.amount_minor, cv.id as conversion_id, cv.channel, cv.campaign_id, cv.enrollment_id, cv.affiliate_id
           from store_order o join conversion cv on cv.order_id = o.id
          where o.merchant_id = ? and o.external_id = ? for update of o`,
        [merchantId, refund.orderId],
      );
      if (event) {
        // Before anything is checked against the order: a replay answers as the first delivery did.
        const [seen] = await tx.execute(`select 1 from webhook_event where merchant_id = ? and event_id = ?`, [merchantId, event.id]);
        if (seen) return { replayOf: event } as const;
      }
      if (!order) {
        throw conflict('The order of this refund has not been recorded yet; deliver the order first, then retry the refund', {
          [event ? 'order.id' : 'orderId']: 'is not a recorded order (yet)',
        });
      }
      // Read in statements of their own, after the lock: a refund committed by another transaction
      // while this one waited on it is after this transaction's first snapshot.
      const recordedBefore = async () => {
        const [existing] = await tx.execute<{ order_id: string; amount_minor: string; occurred_at: Date }[]>(
          `select order_id, amount_minor, occurred_at from refund where merchant_id = ? and external_id = ?`,
          [merchantId, refund.id],
        );
        if (!existing) return false;
        if (existing.order_id !== order.id) {
          throw conflict('This refund id was already recorded for another order', { [field('id')]: 'belongs to another order' });
        }
        const differ = [
          ...(Number(existing.amount_minor) !== refund.amountMinor ? ['amountMinor'] : []),
          ...(new Date(existing.occurred_at).getTime() !== refund.occurredAt.getTime() ? ['occurredAt'] : []),
        ].join(', ');
        if (differ) {
          throw conflict(`Refund ${refund.id} was already recorded with other content (${differ}); a different refund needs its own id`, {
            [field('id')]: `was already recorded with other content (${differ})`,
          });
        }
        return true;
      };
      const orderAmount = Number(order.amount_minor);
      let refundedTotal = 0;
      const known = await recordedBefore();
      if (!known) {
        const [sum] = await tx.execute<{ total: string }[]>(`select coalesce(sum(amount_minor), 0) as total from refund where order_id = ?`, [order.id]);
        const left = orderAmount - Number(sum!.total);
        if (refund.amountMinor === 0 && orderAmount > 0) {
          throw badInput('A refund of 0 refunds nothing: only an order of 0 is refunded with 0', {
            [field('amountMinor')]: 'must be at least 1 (only an order of 0 is refunded with 0)',
          });
        }
        if (refund.amountMinor > left) {
          throw badInput(`Refund ${refund.id} of ${refund.amountMinor} exceeds what is left of order ${refund.orderId}: ${left} of ${orderAmount}`, {
            [field('amountMinor')]: `must be at most ${left}, what is left of the order's ${orderAmount}`,
          });
        }
        refundedTotal = Number(sum!.total) + refund.amountMinor;
      }
      const refundRowId = uuidv7(now.getTime());
      const eventCte = event
        ? `ev as (insert into webhook_event (id, merchant_id, event_id, type, body_hash, response, created_at) values (?, ?, ?, ?, ?, 'null'::jsonb, ?)
                   on conflict (merchant_id, event_id) do nothing returning id),`
        : '';
      const [flags] = await tx.execute<{ event_claimed: boolean; refund_created: boolean }[]>(
        `with ${eventCte}
         r as (insert into refund (id, merchant_id, external_id, order_id, amount_minor, occurred_at, created_at)
               select ?, ?, ?, ?, ?, ?, ? ${event ? 'where exists (select 1 from ev)' : ''}
               on conflict (merchant_id, external_id) do nothing returning id)
         select ${event ? 'exists (select 1 from ev)' : 'true'} as event_claimed, exists (select 1 from r) as refund_created`,
        [
          ...(event ? [uuidv7(now.getTime()), merchantId, event.id, event.type, event.hash, now] : []),
          refundRowId,
          merchantId,
          refund.id,
          order.id,
          refund.amountMinor,
          refund.occurredAt,
          now,
        ],
      );
      // Delivered meanwhile under another order's lock.
      if (!flags!.event_claimed) return { replayOf: event! } as const;
      // Recorded meanwhile for another order (this order's refunds wait on its lock): refused.
      if (!flags!.refund_created && !known) await recordedBefore();
      let commission: RefundOutcome['commission'];
      if (flags!.refund_created) {
        const applied = await this.accrual.applyRefund(emExec(tx), {
          merchantId,
          conversionId: order.conversion_id,
          orderAmountMinor: orderAmount,
          refundedTotalMinor: refundedTotal,
          refundRowId,
          reason: `Refund ${refund.id} of ${refund.amountMinor} on order ${refund.orderId}`,
          now,
        });
        commission = applied.commission;
        // Figures count AFFILIATE conversions only (those carry the campaign, enrollment and affiliate).
        if (this.rollup && order.channel === Channel.AFFILIATE) {
          await this.rollup.refundRecorded(emExec(tx), {
            merchantId,
            campaignId: order.campaign_id,
            enrollmentId: order.enrollment_id,
            affiliateId: order.affiliate_id,
            occurredAt: refund.occurredAt,
            amountMinor: refund.amountMinor,
            commissionMinor: applied.reductionMinor,
          });
        }
      } else commission = await this.accrual.commissionOf(emExec(tx), order.conversion_id);
      const outcome: RefundOutcome = {
        conversion: { id: order.conversion_id, channel: order.channel, commissionId: commission?.id ?? null },
        refund: { id: refund.id },
        commission,
      };
      if (event)
        await tx.execute(`update webhook_event set response = ?::jsonb where merchant_id = ? and event_id = ?`, [json(outcome), merchantId, event.id], 'run');
      return outcome;
    });
    if ('replayOf' in result) return storedResponse<RefundOutcome>(emExec(em), merchantId, result.replayOf);
    return result;
  }
}
