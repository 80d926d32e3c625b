import type { EntityManager } from '@mikro-orm/postgresql';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Campaign } from '../modules/campaigns/index.js';
import { Commission, CommissionStatus } from '../modules/commissions/index.js';
import { PayoutAccount, type PayoutBatch, PayoutBatchStatus } from '../modules/payouts/index.js';
import type { Services } from '../services.js';

/** Waits for the runner to finish a batch (the emulator answers in milliseconds). */
async function settled(em: EntityManager, batch: PayoutBatch): Promise<void> {
  for (let i = 0; i < 300 && batch.status === PayoutBatchStatus.EXECUTING; i++) {
    await sleep(100);
    await em.refresh(batch);
  }
}

/**
 * A month already paid: three affiliates onboarded on the built-in Stripe emulator, their
 * commissions finalized, one batch executed in which one transfer failed (a one-time
 * `account_invalid` from the emulator) and was retried until POSTED. Demo mode only.
 */
export async function seedPayouts(em: EntityManager, services: Services, merchantId: string, campaign: Campaign, now: Date): Promise<void> {
  const emulator = services.payouts.stripe.emulator;
  if (!emulator) return;
  const earners = await em.getConnection().execute<{ affiliate_id: string }[]>(
    `select affiliate_id from commission where merchant_id = ? and campaign_id = ? and status in ('PENDING', 'FINALIZED')
      group by affiliate_id order by sum(amount_minor) desc limit 3`,
    [merchantId, campaign.id],
  );
  const accounts: string[] = [];
  for (const { affiliate_id: affiliateId } of earners) {
    const { url } = await services.payouts.accounts.startOnboarding(em, merchantId, affiliateId, now);
    await fetch(url, { redirect: 'manual' }); // the emulator's onboarding page: payouts enabled
    const account = await em.findOneOrFail(PayoutAccount, { affiliate: affiliateId });
    await services.payouts.accounts.refresh(em, account.stripeAccountId, now);
    accounts.push(account.stripeAccountId);
  }
  const ids = (await em.find(Commission, { campaign, affiliate: { $in: earners.map((e) => e.affiliate_id) }, status: CommissionStatus.PENDING })).map(
    (c) => c.id,
  );
  if (ids.length) await services.finalization.finalize(em, merchantId, { ids }, now);

  await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ op: 'transfers.create', destination: accounts[0], mode: 'error', code: 'account_invalid', times: 1 }),
  });
  const previousMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const batch = await services.payouts.createBatch(em, merchantId, { campaignId: campaign.id, period: previousMonth }, now);
  await services.payouts.execute(em, merchantId, batch.id, now);
  await settled(em, batch);
  if (batch.status === PayoutBatchStatus.COMPLETED_WITH_FAILURES) {
    await services.payouts.retryFailed(em, merchantId, batch.id);
    await settled(em, batch);
  }
}
