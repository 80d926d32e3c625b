import type { EntityManager } from '@mikro-orm/postgresql';
import { paginate, paginateQuery, type PageRequest } from '../../db/pagination.js';
import { pgArray } from '../../db/pg-arrays.js';
import { parseInput } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { Channel } from '../tracking/index.js';
import { Conversion } from './conversion.entity.js';
import { OrderWebhookDelivery } from './order-webhook-delivery.entity.js';
import { OrderIngestion } from './order-ingestion.js';
import { eventHash, orderSchema, refundSchema, webhookSchema, type OrderOutcome, type RefundOutcome } from './order-input.js';
import type { AttributionSources, CommissionAccrual, ConversionRollup } from './ports.js';
import { RefundIntake } from './refund-intake.js';

/**
 * Orders and refunds from a store, by GraphQL or webhook: validated here (order-input.ts),
 * ingested in batches with their attribution (order-ingestion.ts), refunds under their order's
 * lock (refund-intake.ts).
 */
export class OrdersService {
  private readonly orders: OrderIngestion;
  private readonly refunds: RefundIntake;

  /** `rollup`: figures kept in the transactions that write conversions and refunds (analytics). */
  constructor(accrual: CommissionAccrual, sources: AttributionSources, rollup?: ConversionRollup) {
    this.orders = new OrderIngestion(accrual, sources, rollup);
    this.refunds = new RefundIntake(accrual, rollup);
  }

  /** The GraphQL `recordOrder`: idempotent by (merchant, order id). */
  recordOrder(em: EntityManager, merchantId: string, input: unknown, now: Date): Promise<OrderOutcome> {
    return this.orders.ingest(em, merchantId, parseInput(orderSchema, input), null, now);
  }

  /** The GraphQL `recordRefund`: idempotent by (merchant, refund id). */
  recordRefund(em: EntityManager, merchantId: string, input: unknown, now: Date): Promise<RefundOutcome> {
    return this.refunds.ingest(em, merchantId, parseInput(refundSchema, input), null, now);
  }

  /** A verified webhook body: dispatched by type, idempotent by event id as well. */
  async handleWebhook(em: EntityManager, merchantId: string, body: unknown, now: Date): Promise<OrderOutcome | RefundOutcome> {
    const event = parseInput(webhookSchema, body);
    const ev = { id: event.id, type: event.type, hash: eventHash(event) };
    if (event.type === 'order.created') return this.orders.ingest(em, merchantId, event.order, ev, now);
    return this.refunds.ingest(em, merchantId, { ...event.refund, orderId: event.order.id }, ev, now);
  }

  /** AFFILIATE conversions per affiliate of a set, in one aggregate (affiliates' stats; REFERRAL never counts). */
  async affiliateConversionCounts(em: EntityManager, merchantId: string, affiliateIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await em.execute<{ affiliate_id: string; n: string }[]>(
      `select affiliate_id, count(*) as n from conversion where merchant_id = ? and channel = ? and affiliate_id = any(?::uuid[]) group by affiliate_id`,
      [merchantId, Channel.AFFILIATE, pgArray(affiliateIds.filter(isUuid))],
    );
    return new Map(rows.map((r) => [r.affiliate_id, Number(r.n)]));
  }

  conversions(em: EntityManager, merchantId: string, filter: { channel?: Channel; affiliateId?: string }, page: PageRequest) {
    return paginateQuery(() => {
      const qb = em.createQueryBuilder(Conversion, 'cv').where({ merchant: merchantId });
      if (filter.channel) qb.andWhere({ channel: filter.channel });
      if (filter.affiliateId) qb.andWhere({ affiliate: filter.affiliateId });
      return qb;
    }, page);
  }

  /** The order webhooks received, accepted or refused with the reason, newest first. */
  webhookDeliveries(em: EntityManager, page: PageRequest) {
    return paginate(em, OrderWebhookDelivery, {}, page);
  }
}
