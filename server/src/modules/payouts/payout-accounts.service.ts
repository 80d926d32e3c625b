import type { EntityManager } from '@mikro-orm/postgresql';
import type Stripe from 'stripe';
import { notFound } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { Logger } from '../../logger.js';
import { Affiliate } from '../affiliates/index.js';
import type { MailService } from '../mail/index.js';
import { PayoutAccount, PayoutAccountStatus, accountStatus } from './payout-account.entity.js';
import { accountSourcesOf } from './payout-rules.js';
import { pgArray } from '../../db/pg-arrays.js';

export interface PayoutReadiness {
  status: PayoutAccountStatus;
  stripeAccountId: string | null;
  payoutsEnabled: boolean;
  updatedAt: Date | null;
}

const NOT_CONNECTED: PayoutReadiness = { status: PayoutAccountStatus.NOT_CONNECTED, stripeAccountId: null, payoutsEnabled: false, updatedAt: null };

/**
 * Stripe Connect onboarding and payout readiness: one Express account per affiliate, created
 * once (a replacement only after the affiliate disconnected it), its status kept current by
 * `account.updated` and `account.application.deauthorized` webhooks.
 */
export class PayoutAccountsService {
  constructor(
    private readonly stripe: Stripe,
    private readonly publicUrl: string,
    private readonly log: Logger,
    private readonly mail: MailService,
  ) {}

  /** The affiliate's account (created on the first call) and a fresh onboarding link back to the portal. */
  async startOnboarding(em: EntityManager, merchantId: string, affiliateId: string, now: Date): Promise<{ url: string }> {
    const affiliate = await em.findOne(Affiliate, { id: affiliateId, merchant: merchantId });
    if (!affiliate) throw notFound('Affiliate');
    let account = await em.findOne(PayoutAccount, { affiliate: affiliateId });
    if (!account || account.deauthorizedAt) {
      const generation = account ? account.generation + 1 : 1;
      // The key makes creation idempotent: a retried or concurrent call gets the same account.
      const created = await this.stripe.accounts.create(
        {
          type: 'express',
          email: affiliate.email,
          capabilities: { transfers: { requested: true } },
          metadata: { affiliate_id: affiliateId, merchant_id: merchantId },
        },
        { idempotencyKey: `connect-account:${affiliateId}:${generation}` },
      );
      await em.execute(
        `insert into payout_account (id, merchant_id, affiliate_id, stripe_account_id, generation, status, payouts_enabled, transfers_active, details_submitted, deauthorized_at, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, false, false, false, null, ?, ?)
         on conflict (affiliate_id) do update set stripe_account_id = excluded.stripe_account_id, generation = excluded.generation,
           status = excluded.status, payouts_enabled = false, transfers_active = false, details_submitted = false, deauthorized_at = null, updated_at = excluded.updated_at
         where payout_account.deauthorized_at is not null and payout_account.generation < excluded.generation
           and payout_account.status = any(?::payout_account_status[])`,
        [
          new PayoutAccount().id,
          merchantId,
          affiliateId,
          created.id,
          generation,
          PayoutAccountStatus.PENDING,
          now,
          now,
          pgArray(accountSourcesOf(PayoutAccountStatus.PENDING)),
        ],
        'run',
      );
      em.clear();
      account = await em.findOneOrFail(PayoutAccount, { affiliate: affiliateId });
    }
    const back = (state: string) => `${this.publicUrl}/portal/get-paid?onboarding=${state}`;
    const link = await this.stripe.accountLinks.create({
      account: account.stripeAccountId,
      type: 'account_onboarding',
      refresh_url: back('refresh'),
      return_url: back('return'),
    });
    return { url: link.url };
  }

  /** Readiness per affiliate id (NOT_CONNECTED without an account), in one query. */
  async readiness(em: EntityManager, affiliateIds: readonly string[]): Promise<PayoutReadiness[]> {
    const valid = affiliateIds.filter(isUuid);
    const rows = valid.length ? await em.find(PayoutAccount, { affiliate: { $in: valid } }) : [];
    const byAffiliate = new Map(rows.map((r) => [r.affiliate.id, r]));
    return affiliateIds.map((id) => {
      const a = byAffiliate.get(id);
      if (!a || a.deauthorizedAt) return a ? { ...NOT_CONNECTED, updatedAt: a.updatedAt } : NOT_CONNECTED;
      return { status: a.status, stripeAccountId: a.stripeAccountId, payoutsEnabled: a.payoutsEnabled, updatedAt: a.updatedAt };
    });
  }

  /**
   * `account.updated`: the account as Stripe has it now (retrieved, so events arriving late or
   * out of order can never move the status backwards). Of two events handled at once, the one
   * whose read of Stripe began later is kept, whichever commits first; no lock is held while
   * Stripe answers.
   */
  async refresh(tx: EntityManager, accountId: string, now: Date): Promise<void> {
    const [read] = await tx.execute<{ began: Date }[]>(`select clock_timestamp() as began`);
    const began = read!.began;
    let account: Stripe.Account;
    try {
      account = await this.stripe.accounts.retrieve(accountId);
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      // Gone for us (deauthorized): its own event records that.
      if (status === 404 || status === 403) return;
      throw err;
    }
    const status = accountStatus(account);
    const [changed] = await tx.execute<{ before: PayoutAccountStatus; merchant_id: string; email: string; name: string }[]>(
      `with old as (select id, status from payout_account where stripe_account_id = ? for update)
       update payout_account p set status = ?, payouts_enabled = ?, transfers_active = ?, details_submitted = ?, updated_at = ?, stripe_read_at = ?
         from old, affiliate a
        where p.id = old.id and a.id = p.affiliate_id and p.deauthorized_at is null and (p.stripe_read_at is null or p.stripe_read_at < ?)
          and old.status = any(?::payout_account_status[])
        returning old.status as before, p.merchant_id, a.email, a.name`,
      [
        accountId,
        status,
        !!account.payouts_enabled,
        account.capabilities?.transfers === 'active',
        !!account.details_submitted,
        now,
        began,
        began,
        pgArray(accountSourcesOf(status)),
      ],
    );
    // Stripe has just stopped payouts to a working account: its affiliate must act (past-due requirements…).
    if (changed && status === PayoutAccountStatus.RESTRICTED && changed.before !== PayoutAccountStatus.RESTRICTED) {
      await this.mail.enqueue(
        tx,
        {
          merchantId: changed.merchant_id,
          to: changed.email,
          template: 'payoutAccountNeedsAttention',
          data: { name: changed.name, portalUrl: `${this.publicUrl}/portal/get-paid` },
        },
        now,
      );
    }
  }

  /** `account.application.deauthorized`: no new payout items for this account. */
  async deauthorize(tx: EntityManager, accountId: string, now: Date): Promise<void> {
    await tx.execute(
      `update payout_account set status = ?, payouts_enabled = false, transfers_active = false, deauthorized_at = coalesce(deauthorized_at, ?), updated_at = ?
        where stripe_account_id = ? and status = any(?::payout_account_status[])`,
      [PayoutAccountStatus.NOT_CONNECTED, now, now, accountId, pgArray(accountSourcesOf(PayoutAccountStatus.NOT_CONNECTED))],
      'run',
    );
    this.log.info({ accountId }, 'stripe: connected account deauthorized');
  }
}
