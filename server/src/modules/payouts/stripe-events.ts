import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type Stripe from 'stripe';
import { isUuid } from '../../ids.js';
import type { PayoutAccountsService } from './payout-accounts.service.js';

/** Stripe's webhooks: account changes and reversed transfers. */
export class StripeEvents {
  constructor(
    private readonly orm: MikroORM,
    private readonly accounts: PayoutAccountsService,
    private readonly clock: () => Date,
  ) {}

  /** A verified event, handled once per event id (redeliveries change nothing). */
  async handle(event: Stripe.Event): Promise<'processed' | 'duplicate' | 'ignored'> {
    const now = this.clock();
    return this.orm.em.fork().transactional(async (tx) => {
      const fresh = await tx.execute<QueryResult>(
        `insert into stripe_event (id, type, received_at) values (?, ?, ?) on conflict do nothing`,
        [event.id, event.type, now],
        'run',
      );
      if (fresh.affectedRows !== 1) return 'duplicate';
      switch (event.type) {
        case 'account.updated':
          await this.accounts.refresh(tx, event.data.object.id, now);
          return 'processed';
        case 'account.application.deauthorized':
          if (event.account) await this.accounts.deauthorize(tx, event.account, now);
          return 'processed';
        case 'transfer.reversed':
          await this.markReversed(tx, event.data.object);
          return 'processed';
        default:
          return 'ignored';
      }
    });
  }

  /** The item whose transfer Stripe reversed (found by transfer id, or by its metadata if we have not recorded the transfer yet). */
  private async markReversed(tx: EntityManager, transfer: Stripe.Transfer): Promise<void> {
    const itemId = transfer.metadata?.payout_item_id;
    await tx.execute(
      `update payout_item set transfer_reversed = true, transfer_reversed_minor = greatest(transfer_reversed_minor, ?)
        where stripe_transfer_id = ? or id = ?`,
      [transfer.amount_reversed ?? 0, transfer.id, itemId && isUuid(itemId) ? itemId : '00000000-0000-0000-0000-000000000000'],
      'run',
    );
  }
}
