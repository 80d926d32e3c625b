// Arranging payouts through real parts: campaigns, applicants approved through the API,
// Stripe onboarding through the emulator's link, and FINALIZED commissions seeded in SQL (the
// orders and finalization paths have their own tests).
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../ids.js';
import { uniq, type TestApp } from './harness.js';

export interface Seeded {
  affiliateId: string;
  enrollmentId: string;
  email: string;
  token: string;
}

export class PayoutFixtures {
  constructor(readonly app: TestApp) {}

  get emulatorUrl(): string {
    return this.app.stripeEmulator!.url;
  }

  async campaign(token: string, over: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
    const r = await this.app.gql(
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`,
      {
        input: {
          name: 'Payouts',
          slug: uniq('p-'),
          destinationUrl: 'https://shop.example/',
          currency: 'USD',
          commission: { type: 'FLAT', amountMinor: 500 },
          ...over,
        },
      },
      token,
    );
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createCampaign;
  }

  /** An applicant approved by the owner: an affiliate with an enrollment and a portal session. */
  async affiliate(ownerToken: string, campaign: { id: string; slug: string }): Promise<Seeded> {
    return this.join(ownerToken, campaign, `${uniq('aff')}@example.test`);
  }

  /** The same applicant (by email and password) approved into a campaign: another enrollment of one affiliate. */
  async join(ownerToken: string, campaign: { id: string; slug: string }, email: string): Promise<Seeded> {
    const sub = await this.app.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
      input: { campaignSlug: campaign.slug, email, name: 'Affiliate', password: 'affiliate-pw', answers: [] },
    });
    if (!sub.data) throw new Error(JSON.stringify(sub.errors));
    await this.app.confirmApplication(email, 'affiliate-pw');
    const rev = await this.app.gql(
      `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount } }`,
      { input: { ids: [sub.data.submitApplication.id], decision: 'APPROVE' } },
      ownerToken,
    );
    if (rev.data?.reviewApplications.approvedCount !== 1) throw new Error(JSON.stringify(rev));
    const signIn = await this.app.gql(`mutation($e:String!,$p:String!){ affiliateSignIn(email:$e,password:$p){ token affiliate { id } } }`, {
      e: email,
      p: 'affiliate-pw',
    });
    if (!signIn.data) throw new Error(JSON.stringify(signIn.errors));
    const affiliateId = signIn.data.affiliateSignIn.affiliate.id as string;
    const [row] = await this.app.orm.em
      .fork()
      .execute<{ id: string }[]>(`select id from enrollment where affiliate_id = ? and campaign_id = ?`, [affiliateId, campaign.id]);
    return { affiliateId, enrollmentId: row!.id, email, token: signIn.data.affiliateSignIn.token };
  }

  /** Onboarding as the affiliate does it: the mutation's link, opened (the emulator then sends account.updated). */
  async onboard(a: Seeded): Promise<string> {
    // Retrying is safe (the account is created under an idempotency key); tests with a short
    // STRIPE_TIMEOUT_MS on a loaded machine sometimes need it.
    let r = await this.app.gql(`mutation { startStripeOnboarding { url } }`, {}, a.token);
    for (let i = 0; !r.data && i < 5; i++) r = await this.app.gql(`mutation { startStripeOnboarding { url } }`, {}, a.token);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    const res = await fetch(r.data.startStripeOnboarding.url, { redirect: 'manual' });
    if (res.status !== 302) throw new Error(`onboarding link answered ${res.status}`);
    await this.app.stripeEmulator!.webhooksIdle();
    let me = await this.app.gql(`{ me { payoutAccount { status stripeAccountId } } }`, {}, a.token);
    for (let i = 0; me.data?.me.payoutAccount.status !== 'ENABLED' && i < 50; i++) {
      await new Promise((res) => setTimeout(res, 100)); // the webhook's own retries (a Stripe timeout while handling it)
      me = await this.app.gql(`{ me { payoutAccount { status stripeAccountId } } }`, {}, a.token);
    }
    const account = me.data!.me.payoutAccount;
    if (account.status !== 'ENABLED') throw new Error(`account not enabled: ${JSON.stringify(me)}`);
    return account.stripeAccountId as string;
  }

  /** FINALIZED commissions (with the order and conversion they come from) in the campaign's currency, straight in SQL. */
  async finalized(merchantId: string, campaignId: string, a: Seeded, amounts: number[], finalizedAt = new Date()): Promise<string[]> {
    const em = this.app.orm.em.fork();
    const ids: string[] = [];
    for (const amount of amounts) {
      const orderId = uuidv7();
      const conversionId = uuidv7();
      const id = uuidv7();
      await em.execute(
        `with k as (select currency from campaign where id = ?),
              o as (insert into store_order (id, merchant_id, external_id, amount_minor, currency, occurred_at, created_at) select ?, ?, ?, ?, k.currency, ?, ? from k),
              cv as (insert into conversion (id, merchant_id, order_id, order_external_id, channel, occurred_at, amount_minor, currency, enrollment_id, affiliate_id, campaign_id, explanation, created_at)
                     select ?, ?, ?, ?, 'AFFILIATE', ?, ?, k.currency, ?, ?, ?, '{}'::jsonb, ? from k)
         insert into commission (id, merchant_id, conversion_id, enrollment_id, affiliate_id, campaign_id, currency, original_amount_minor, amount_minor, status, finalized_at, created_at)
         select ?, ?, ?, ?, ?, ?, k.currency, ?, ?, 'FINALIZED', ?, ? from k`,
        [
          campaignId,
          orderId,
          merchantId,
          `ord-${randomUUID()}`,
          amount * 10,
          finalizedAt,
          finalizedAt,
          conversionId,
          merchantId,
          orderId,
          `ord-${id}`,
          finalizedAt,
          amount * 10,
          a.enrollmentId,
          a.affiliateId,
          campaignId,
          finalizedAt,
          id,
          merchantId,
          conversionId,
          a.enrollmentId,
          a.affiliateId,
          campaignId,
          amount,
          amount,
          finalizedAt,
          finalizedAt,
        ],
        'run',
      );
      ids.push(id);
    }
    return ids;
  }

  /** A clawback (negative) on a commission. */
  async clawback(merchantId: string, commissionId: string, amountMinor: number): Promise<string> {
    const id = uuidv7();
    await this.app.orm.em
      .fork()
      .execute(
        `insert into clawback (id, merchant_id, commission_id, amount_minor, reason, created_at) values (?, ?, ?, ?, 'refund after finalization', now())`,
        [id, merchantId, commissionId, amountMinor],
        'run',
      );
    return id;
  }

  async emulator<T = any>(path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.emulatorUrl}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    return (await res.json()) as T;
  }

  /** Every transfer the emulator made, with its idempotency key. */
  async transfers(): Promise<
    {
      id: string;
      amount: number;
      destination: string;
      metadata: Record<string, string>;
      idempotency_key: string | null;
      reversed: boolean;
      transfer_group: string | null;
    }[]
  > {
    return (await this.emulator<{ data: any[] }>('/_emulator/transfers')).data;
  }

  async fault(f: { destination?: string; mode: string; code?: string; times?: number; delayMs?: number }) {
    return this.emulator('/_emulator/faults', { op: 'transfers.create', ...f });
  }

  /** Polls until the batch leaves EXECUTING (or the deadline passes). */
  async settle(token: string, batchId: string, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.app.gql(`query($id: ID!) { payoutBatch(id: $id) { id status progress { pending posted failed } } }`, { id: batchId }, token);
      const b = r.data?.payoutBatch;
      if (b && b.status !== 'EXECUTING' && b.status !== 'DRAFT') return b;
      if (Date.now() > deadline) {
        const open = await this.app.orm.em.fork().execute(
          `select id, attempts, key_spent, transient_failures, lease_owner, lease_until, next_try_at, last_error, clock_timestamp() as now
             from payout_item where batch_id = ? and status = 'PENDING'`,
          [batchId],
        );
        throw new Error(`batch ${batchId} did not settle: ${JSON.stringify(r.data)}; pending items: ${JSON.stringify(open)}`);
      }
      await new Promise((res) => setTimeout(res, 25));
    }
  }
}
