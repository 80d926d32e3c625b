import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { OperatorRole } from '../auth/index.js';
import { click, ledger, orderBody, postWebhook, program, refundBody } from '../../test/orders-fixtures.js';
import { PayoutFixtures, type Seeded } from '../../test/payouts-fixtures.js';

const CREATE = `mutation($input: CreatePayoutBatchInput!) { createPayoutBatch(input: $input) {
  id status period totalMinor currency campaign { id }
  items { totalCount edges { node { id status amountMinor grossMinor clawbackMinor currency attempts affiliate { id email } } } }
  skipped { affiliate { id } amountMinor currency reason message } } }`;
const EXECUTE = `mutation($id: ID!) { executePayoutBatch(id: $id) { id status } }`;
const RETRY = `mutation($id: ID!) { retryFailedPayoutItems(batchId: $id) { id status } }`;
const DISCARD = `mutation($id: ID!) { discardPayoutBatch(id: $id) }`;
const BATCH = `query($id: ID!) { payoutBatch(id: $id) { id status period totalMinor progress { pending posted failed }
  items(first: 100) { edges { node { id status amountMinor grossMinor clawbackMinor attempts stripeTransferId failureCode failureMessage postedAt
    transferReversed commissions { id status paidAt } affiliate { id } batch { period } } } } } }`;

describe('payouts', () => {
  let app: TestApp;
  let f: PayoutFixtures;
  let owner: Awaited<ReturnType<TestApp['newMerchant']>>;

  beforeAll(async () => {
    app = await startTestApp({ STRIPE_EMULATOR_RATE: '0', PAYOUT_RATE_PER_SECOND: '200', PAYOUT_RETRY_BASE_MS: '20', PAYOUT_TICK_MS: '200' });
    f = new PayoutFixtures(app);
    owner = await app.newMerchant();
  });
  afterAll(() => app?.close());

  const transfersTo = async (accounts: string[]) => (await f.transfers()).filter((t) => accounts.includes(t.destination));
  /** The payout emails an affiliate was sent (queued with the item's outcome), oldest first. */
  const payoutMail = async (to: string) =>
    await app.orm.em
      .fork()
      .execute<{ kind: string; subject: string; text: string }[]>(
        `select kind, subject, text from mail_message where to_address = ? and kind like 'payout%' order by id`,
        [to],
      );

  describe('affiliate connects Stripe', () => {
    it('creates the Express account once, returns to the portal, and follows account.updated and deauthorization', async () => {
      const campaign = await f.campaign(owner.token);
      const a = await f.affiliate(owner.token, campaign);
      const before = await app.gql(`{ me { payoutAccount { status stripeAccountId } } }`, {}, a.token);
      expect(before.data!.me.payoutAccount).toEqual({ status: 'NOT_CONNECTED', stripeAccountId: null });

      const first = await app.gql(`mutation { startStripeOnboarding { url } }`, {}, a.token);
      const second = await app.gql(`mutation { startStripeOnboarding { url } }`, {}, a.token);
      expect(first.data!.startStripeOnboarding.url).toMatch(/\/_emulator\/onboard\//);
      const pending = await app.gql(`{ me { payoutAccount { status stripeAccountId } } }`, {}, a.token);
      expect(pending.data!.me.payoutAccount.status).toBe('PENDING');
      const accountId = pending.data!.me.payoutAccount.stripeAccountId;
      expect(accountId).toMatch(/^acct_/);

      const opened = await fetch(second.data!.startStripeOnboarding.url, { redirect: 'manual' });
      expect(opened.headers.get('location')).toBe(`${app.config.publicUrl}/portal/get-paid?onboarding=return`);
      await app.stripeEmulator!.webhooksIdle();
      const enabled = await app.gql(`{ me { payoutAccount { status stripeAccountId } } }`, {}, a.token);
      expect(enabled.data!.me.payoutAccount).toEqual({ status: 'ENABLED', stripeAccountId: accountId });
      // Still one account: the second call reused it.
      expect((await app.gql(`mutation { startStripeOnboarding { url } }`, {}, a.token)).data).toBeTruthy();
      const again = await app.gql(`{ me { payoutAccount { stripeAccountId } } }`, {}, a.token);
      expect(again.data!.me.payoutAccount.stripeAccountId).toBe(accountId);

      // Operators see readiness on the affiliate.
      const op = await app.gql(
        `query($id: ID!) { affiliate(id: $id) { payoutAccount { status stripeAccountId payoutsEnabled } } }`,
        { id: a.affiliateId },
        owner.token,
      );
      expect(op.data!.affiliate.payoutAccount).toMatchObject({ status: 'ENABLED', stripeAccountId: accountId, payoutsEnabled: true });

      await f.emulator(`/_emulator/accounts/${accountId}/restrict`, {});
      await app.stripeEmulator!.webhooksIdle();
      expect((await app.gql(`{ me { payoutAccount { status } } }`, {}, a.token)).data!.me.payoutAccount.status).toBe('RESTRICTED');
      // The affiliate is told once, with a link to the page where they fix it.
      const notices = await payoutMail(a.email);
      expect(notices.map((m) => m.kind)).toEqual(['payoutAccountNeedsAttention']);
      expect(notices[0]!.text).toContain(`${app.config.publicUrl}/portal/get-paid`);

      // A read of Stripe that began before the one already stored is not kept (two events handled
      // at once: the later read wins, whichever commits first).
      const em = app.orm.em.fork();
      await em.execute(`update payout_account set stripe_read_at = clock_timestamp() + interval '1 hour' where stripe_account_id = ?`, [accountId]);
      await f.emulator(`/_emulator/accounts/${accountId}/enable`, {});
      await app.stripeEmulator!.webhooksIdle();
      expect((await app.gql(`{ me { payoutAccount { status } } }`, {}, a.token)).data!.me.payoutAccount.status).toBe('RESTRICTED');
      await em.execute(`update payout_account set stripe_read_at = clock_timestamp() - interval '1 hour' where stripe_account_id = ?`, [accountId]);
      await f.emulator(`/_emulator/accounts/${accountId}/enable`, {});
      await app.stripeEmulator!.webhooksIdle();
      expect((await app.gql(`{ me { payoutAccount { status } } }`, {}, a.token)).data!.me.payoutAccount.status).toBe('ENABLED');

      await f.emulator(`/_emulator/accounts/${accountId}/deauthorize`, {});
      await app.stripeEmulator!.webhooksIdle();
      expect((await app.gql(`{ me { payoutAccount { status stripeAccountId } } }`, {}, a.token)).data!.me.payoutAccount).toEqual({
        status: 'NOT_CONNECTED',
        stripeAccountId: null,
      });
    });
  });

  describe('operator builds and executes a batch', () => {
    let campaign: { id: string; slug: string };
    let paid: Seeded;
    let netted: Seeded;
    let noAccount: Seeded;
    let small: Seeded;
    let cancelled: Seeded;
    let accounts: string[];
    let batch: any;

    beforeAll(async () => {
      campaign = await f.campaign(owner.token, { minPayoutMinor: 1000 });
      const all = await Promise.all([1, 2, 3, 4, 5].map(() => f.affiliate(owner.token, campaign)));
      [paid, netted, noAccount, small, cancelled] = all as [Seeded, Seeded, Seeded, Seeded, Seeded];
      accounts = [await f.onboard(paid), await f.onboard(netted), await f.onboard(small), await f.onboard(cancelled)];
      await f.finalized(owner.merchantId, campaign.id, paid, [700, 800]);
      const [c] = await f.finalized(owner.merchantId, campaign.id, netted, [2000, 500]);
      await f.clawback(owner.merchantId, c!, -300);
      await f.finalized(owner.merchantId, campaign.id, noAccount, [5000]);
      await f.finalized(owner.merchantId, campaign.id, small, [999]);
      const [d] = await f.finalized(owner.merchantId, campaign.id, cancelled, [1200]);
      await f.clawback(owner.merchantId, d!, -1200);
    });

    it('one PENDING item per affiliate, net of clawbacks; the others are listed as carried forward with the reason', async () => {
      const r = await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-10' } }, owner.token);
      expect(r.errors).toBeUndefined();
      batch = r.data!.createPayoutBatch;
      expect(batch).toMatchObject({ status: 'DRAFT', period: '2026-10', currency: 'USD', totalMinor: 1500 + 2200, campaign: { id: campaign.id } });
      const items = batch.items.edges.map((e: any) => e.node);
      expect(batch.items.totalCount).toBe(2);
      expect(items.find((i: any) => i.affiliate.id === paid.affiliateId)).toMatchObject({
        status: 'PENDING',
        amountMinor: 1500,
        grossMinor: 1500,
        clawbackMinor: 0,
        attempts: 0,
      });
      expect(items.find((i: any) => i.affiliate.id === netted.affiliateId)).toMatchObject({ amountMinor: 2200, grossMinor: 2500, clawbackMinor: -300 });
      const reasons = Object.fromEntries(batch.skipped.map((s: any) => [s.affiliate.id, [s.reason, s.amountMinor]]));
      expect(reasons).toEqual({
        [noAccount.affiliateId]: ['PAYOUT_ACCOUNT_NOT_READY', 5000],
        [small.affiliateId]: ['BELOW_MINIMUM', 999],
        [cancelled.affiliateId]: ['NET_NOT_POSITIVE', 0],
      });
      expect(batch.skipped.every((s: any) => s.message.length > 10)).toBe(true);
      // Nothing is sent before execution.
      expect(await transfersTo(accounts)).toHaveLength(0);
      // The same commissions are never in two batches.
      const again = await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-10' } }, owner.token);
      expect(again.data!.createPayoutBatch.items.totalCount).toBe(0);
      expect(again.data!.createPayoutBatch.skipped).toHaveLength(3);
    });

    it('executes: every item POSTED with its transfer, commissions PAID, clawbacks applied, one transfer per item', async () => {
      const r = await app.gql(EXECUTE, { id: batch.id }, owner.token);
      expect(r.data!.executePayoutBatch.status).toMatch(/EXECUTING|COMPLETED/);
      const done = await f.settle(owner.token, batch.id);
      expect(done).toMatchObject({ status: 'COMPLETED', progress: { pending: 0, posted: 2, failed: 0 } });
      const items = (await app.gql(BATCH, { id: batch.id }, owner.token)).data!.payoutBatch.items.edges.map((e: any) => e.node);
      const transfers = await transfersTo(accounts);
      expect(transfers).toHaveLength(2);
      for (const item of items) {
        expect(item).toMatchObject({ status: 'POSTED', attempts: 1, failureCode: null, batch: { period: '2026-10' } });
        expect(item.postedAt).toBeTruthy();
        const t = transfers.find((x) => x.id === item.stripeTransferId)!;
        expect(t).toMatchObject({
          amount: item.amountMinor,
          transfer_group: item.id,
          idempotency_key: `payout-item:${item.id}:1`,
          metadata: { payout_item_id: item.id },
        });
        expect(item.commissions.every((c: any) => c.status === 'PAID' && c.paidAt === item.postedAt)).toBe(true);
      }
      const [claw] = await app.orm.em
        .fork()
        .execute(`select applied_at, payout_item_id from clawback where merchant_id = ? and amount_minor = -300`, [owner.merchantId]);
      expect(claw!.applied_at).toBeTruthy();
      // The affiliate sees the payout.
      const me = await app.gql(
        `{ me { payouts { edges { node { amountMinor currency status stripeTransferId postedAt batch { period } commissions { id } } } } } }`,
        {},
        paid.token,
      );
      expect(me.data!.me.payouts.edges).toHaveLength(1);
      expect(me.data!.me.payouts.edges[0].node).toMatchObject({ amountMinor: 1500, status: 'POSTED', batch: { period: '2026-10' } });
      expect(me.data!.me.payouts.edges[0].node.commissions).toHaveLength(2);
      // Stripe's messages and the transport details of the platform's calls are for operators.
      for (const field of ['lastError', 'failureMessage']) {
        const internal = await app.gql(`{ me { payouts { edges { node { ${field} } } } } }`, {}, paid.token);
        expect(internal.errors![0]!.extensions!.code, field).toBe('FORBIDDEN');
      }
    });

    it('executing a COMPLETED batch is refused and sends nothing', async () => {
      const before = (await f.transfers()).length;
      const r = await app.gql(EXECUTE, { id: batch.id }, owner.token);
      expect(r.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(r.errors![0]!.message).toMatch(/COMPLETED/);
      const retry = await app.gql(RETRY, { id: batch.id }, owner.token);
      expect(retry.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(retry.errors![0]!.message).toMatch(/no FAILED items/);
      await app.services.payouts.runner.idle();
      expect((await f.transfers()).length).toBe(before);
    });

    it('a transfer.reversed webhook marks the item for operators', async () => {
      const items = (await app.gql(BATCH, { id: batch.id }, owner.token)).data!.payoutBatch.items.edges.map((e: any) => e.node);
      await app.stripeEmulator!.webhooksIdle();
      const stripe = app.services.payouts.stripe.stripe;
      await stripe.transfers.createReversal(items[0].stripeTransferId, { amount: 100 });
      await app.stripeEmulator!.webhooksIdle();
      const after = (await app.gql(BATCH, { id: batch.id }, owner.token)).data!.payoutBatch.items.edges.map((e: any) => e.node);
      expect(after.find((i: any) => i.id === items[0].id).transferReversed).toBe(true);
      expect(after.find((i: any) => i.id === items[1].id).transferReversed).toBe(false);
    });
  });

  describe('a definite Stripe error fails the item; the operator retries it', () => {
    it('FAILED with Stripe code and message, then POSTED on attempt 2 with no duplicate', async () => {
      const campaign = await f.campaign(owner.token);
      const ok = await f.affiliate(owner.token, campaign);
      const bad = await f.affiliate(owner.token, campaign);
      const okAcct = await f.onboard(ok);
      const badAcct = await f.onboard(bad);
      await f.finalized(owner.merchantId, campaign.id, ok, [1000]);
      await f.finalized(owner.merchantId, campaign.id, bad, [2000]);
      await f.fault({ destination: badAcct, mode: 'error', code: 'account_invalid' });
      const batch = (await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, owner.token)).data!.createPayoutBatch;
      await app.gql(EXECUTE, { id: batch.id }, owner.token);
      expect(await f.settle(owner.token, batch.id)).toMatchObject({ status: 'COMPLETED_WITH_FAILURES', progress: { posted: 1, failed: 1 } });
      const failed = (await app.gql(BATCH, { id: batch.id }, owner.token))
        .data!.payoutBatch.items.edges.map((e: any) => e.node)
        .find((i: any) => i.status === 'FAILED');
      expect(failed).toMatchObject({ failureCode: 'account_invalid', attempts: 1, stripeTransferId: null });
      expect(failed.failureMessage).toMatch(/account/i);
      expect(failed.commissions.every((c: any) => c.status === 'FINALIZED' && c.paidAt === null)).toBe(true);
      // Each affiliate is told, with the outcome's own transaction: the failure with Stripe's message.
      expect((await payoutMail(ok.email)).map((m) => m.kind)).toEqual(['payoutPosted']);
      const [notice] = await payoutMail(bad.email);
      expect(notice).toMatchObject({ kind: 'payoutFailed', subject: 'Your payout of $20.00 needs attention' });
      expect(notice!.text).toContain(`> ${failed.failureMessage}`);
      // Executing it again is not how failures are retried: refused, nothing sent.
      const again = await app.gql(EXECUTE, { id: batch.id }, owner.token);
      expect(again.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(again.errors![0]!.message).toMatch(/COMPLETED_WITH_FAILURES payout batch cannot be executed: use retryFailedPayoutItems/);
      expect(await transfersTo([okAcct, badAcct])).toHaveLength(1);

      const r = await app.gql(RETRY, { id: batch.id }, owner.token);
      expect(r.data!.retryFailedPayoutItems.status).toBe('EXECUTING');
      expect(await f.settle(owner.token, batch.id)).toMatchObject({ status: 'COMPLETED', progress: { posted: 2, failed: 0 } });
      const retried = (await app.gql(BATCH, { id: batch.id }, owner.token))
        .data!.payoutBatch.items.edges.map((e: any) => e.node)
        .find((i: any) => i.id === failed.id);
      expect(retried).toMatchObject({ status: 'POSTED', attempts: 2, failureCode: null });
      expect((await payoutMail(bad.email)).map((m) => m.kind)).toEqual(['payoutFailed', 'payoutPosted']);
      const transfers = await transfersTo([okAcct, badAcct]);
      expect(transfers).toHaveLength(2);
      expect(transfers.find((t) => t.destination === badAcct)!.idempotency_key).toBe(`payout-item:${failed.id}:2`);
    });
  });

  describe('a refund after the payout', () => {
    it('becomes a clawback that the next payout nets: Σ transfers = Σ PAID − applied clawbacks', async () => {
      const p = await program(app, { affiliates: 1 });
      const a = p.affiliates[0]!;
      const acct = await f.onboard({ affiliateId: a.id, enrollmentId: a.enrollmentId, email: a.email, token: a.token });
      const order = async (amountMinor: number) => {
        const body = orderBody({ clickId: await click(app, p, a), amountMinor });
        const r = await postWebhook(app, p, body);
        expect(r.status).toBe(200);
        const id = r.body.conversion.commissionId as string;
        expect(
          (
            await app.gql(
              `mutation($input: FinalizeCommissionsInput!) { finalizeCommissions(input: $input) { finalizedCount } }`,
              { input: { ids: [id] } },
              p.token,
            )
          ).data!.finalizeCommissions.finalizedCount,
        ).toBe(1);
        return { orderId: body.order.id as string, commissionId: id };
      };
      const pay = async () => {
        const batch = (await app.gql(CREATE, { input: { campaignId: p.campaign.id, period: '2026-11' } }, p.token)).data!.createPayoutBatch;
        await app.gql(EXECUTE, { id: batch.id }, p.token);
        expect((await f.settle(p.token, batch.id)).status).toBe('COMPLETED');
        return batch.items.edges[0].node;
      };

      const first = await order(10_000); // 10%: 1,000
      expect(await pay()).toMatchObject({ amountMinor: 1000, clawbackMinor: 0 });
      // Refunded after it was paid: the paid commission stays as it was, and 30% of it is clawed back.
      expect((await postWebhook(app, p, refundBody(first.orderId, { amountMinor: 3000 }))).status).toBe(200);
      const [paid] = await ledger(app, p.merchantId);
      expect(paid).toMatchObject({ status: 'PAID', amount: '1000' });
      const claws = await app.gql(`{ clawbacks { edges { node { amountMinor appliedAt commission { id status } } } } }`, {}, p.token);
      expect(claws.data!.clawbacks.edges.map((e: any) => e.node)).toEqual([
        { amountMinor: -300, appliedAt: null, commission: { id: first.commissionId, status: 'PAID' } },
      ]);

      await order(20_000); // 2,000, less the 300 clawed back
      expect(await pay()).toMatchObject({ amountMinor: 1700, grossMinor: 2000, clawbackMinor: -300 });
      expect((await transfersTo([acct])).map((t) => t.amount).sort((x, y) => x - y)).toEqual([1000, 1700]);
      const [sums] = await app.orm.em.fork().execute<{ paid: number; applied: number }[]>(
        `select (select sum(amount_minor)::int from commission where merchant_id = ? and status = 'PAID') as paid,
                (select sum(amount_minor)::int from clawback where merchant_id = ? and applied_at is not null) as applied`,
        [p.merchantId, p.merchantId],
      );
      expect(sums).toEqual({ paid: 3000, applied: -300 });
    });
  });

  describe('an operator discards a preview', () => {
    it('nothing was sent, and the next batch takes its commissions and clawbacks', async () => {
      const campaign = await f.campaign(owner.token);
      const a = await f.affiliate(owner.token, campaign);
      const acct = await f.onboard(a);
      const [c] = await f.finalized(owner.merchantId, campaign.id, a, [1000, 500]);
      await f.clawback(owner.merchantId, c!, -200);
      const preview = (await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, owner.token)).data!.createPayoutBatch;
      expect(preview.items.edges[0].node).toMatchObject({ amountMinor: 1300, grossMinor: 1500, clawbackMinor: -200 });

      const reviewer = await app.newOperator(owner.merchantId, OperatorRole.REVIEWER);
      expect((await app.gql(DISCARD, { id: preview.id }, reviewer.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const other = await app.newMerchant();
      expect((await app.gql(DISCARD, { id: preview.id }, other.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
      expect((await app.gql(DISCARD, { id: 'not-an-id' }, owner.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');

      const r = await app.gql(DISCARD, { id: preview.id }, owner.token);
      expect(r.data!.discardPayoutBatch).toBe(preview.id);
      expect((await app.gql(BATCH, { id: preview.id }, owner.token)).data!.payoutBatch).toBeNull();
      expect((await app.gql(DISCARD, { id: preview.id }, owner.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');

      const next = (await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, owner.token)).data!.createPayoutBatch;
      expect(next.items.edges[0].node).toMatchObject({ amountMinor: 1300, grossMinor: 1500, clawbackMinor: -200 });
      await app.gql(EXECUTE, { id: next.id }, owner.token);
      expect((await f.settle(owner.token, next.id)).status).toBe('COMPLETED');
      expect((await transfersTo([acct])).map((t) => t.amount)).toEqual([1300]);

      // A batch that has sent money is history: it cannot be discarded.
      const refused = await app.gql(DISCARD, { id: next.id }, owner.token);
      expect(refused.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(refused.errors![0]!.message).toMatch(/COMPLETED payout batch cannot be discarded/);
      expect((await app.gql(BATCH, { id: next.id }, owner.token)).data!.payoutBatch.status).toBe('COMPLETED');
    });
  });

  describe('an affiliate whose account was deauthorized reconnects', () => {
    it('the retried item is paid once, on the new account', async () => {
      const campaign = await f.campaign(owner.token);
      const a = await f.affiliate(owner.token, campaign);
      const oldAccount = await f.onboard(a);
      await f.finalized(owner.merchantId, campaign.id, a, [1500]);
      const batch = (await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, owner.token)).data!.createPayoutBatch;
      await f.emulator(`/_emulator/accounts/${oldAccount}/deauthorize`, {});
      await app.stripeEmulator!.webhooksIdle();
      await app.gql(EXECUTE, { id: batch.id }, owner.token);
      expect(await f.settle(owner.token, batch.id)).toMatchObject({ status: 'COMPLETED_WITH_FAILURES', progress: { failed: 1 } });

      const newAccount = await f.onboard(a);
      expect(newAccount).not.toBe(oldAccount);
      await app.gql(RETRY, { id: batch.id }, owner.token);
      expect(await f.settle(owner.token, batch.id)).toMatchObject({ status: 'COMPLETED', progress: { posted: 1, failed: 0 } });
      expect((await transfersTo([oldAccount, newAccount])).map((t) => [t.destination, t.amount])).toEqual([[newAccount, 1500]]);
    });
  });

  describe('bad input gets a clear answer and sends nothing', () => {
    it('a campaign with nothing finalized, a bad period, an unknown campaign', async () => {
      const campaign = await f.campaign(owner.token);
      const r = await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, owner.token);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { campaignId: expect.stringMatching(/finalized/) } });
      const period = await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-13' } }, owner.token);
      expect(period.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { period: expect.any(String) } });
      const unknown = await app.gql(CREATE, { input: { campaignId: '0192f000-0000-7000-8000-000000000000', period: '2026-11' } }, owner.token);
      expect(unknown.errors![0]!.extensions!.code).toBe('NOT_FOUND');
      const batches = await app.orm.em.fork().execute(`select count(*)::int as n from payout_batch where campaign_id = ?`, [campaign.id]);
      expect(batches[0]!.n).toBe(0);
    });

    it('a REVIEWER is FORBIDDEN; another merchant cannot see or touch the batch', async () => {
      const campaign = await f.campaign(owner.token);
      const a = await f.affiliate(owner.token, campaign);
      const acct = await f.onboard(a);
      await f.finalized(owner.merchantId, campaign.id, a, [1234]);
      const reviewer = await app.newOperator(owner.merchantId, OperatorRole.REVIEWER);
      const forbidden = await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, reviewer.token);
      expect(forbidden.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const finance = await app.newOperator(owner.merchantId, OperatorRole.FINANCE);
      const batch = (await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, finance.token)).data!.createPayoutBatch;
      expect(batch.items.totalCount).toBe(1);
      expect((await app.gql(EXECUTE, { id: batch.id }, reviewer.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect((await app.gql(`{ payoutBatches { totalCount } }`, {}, reviewer.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');

      const other = await app.newMerchant();
      expect((await app.gql(EXECUTE, { id: batch.id }, other.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
      expect((await app.gql(RETRY, { id: batch.id }, other.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
      expect((await app.gql(BATCH, { id: batch.id }, other.token)).data!.payoutBatch).toBeNull();
      expect((await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, other.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
      expect((await app.gql(`{ payoutBatches { totalCount } }`, {}, other.token)).data!.payoutBatches.totalCount).toBe(0);
      await app.services.payouts.runner.idle();
      expect(await transfersTo([acct])).toHaveLength(0);

      // Finance can list and execute its own.
      const list = await app.gql(`{ payoutBatches(first: 50) { totalCount edges { node { id period } } } }`, {}, finance.token);
      expect(list.data!.payoutBatches.edges.map((e: any) => e.node.id)).toContain(batch.id);
      await app.gql(EXECUTE, { id: batch.id }, finance.token);
      expect((await f.settle(finance.token, batch.id)).status).toBe('COMPLETED');
      expect(await transfersTo([acct])).toHaveLength(1);
    });

    it('an affiliate without an account is skipped with the reason, and nothing is sent to them', async () => {
      const campaign = await f.campaign(owner.token);
      const a = await f.affiliate(owner.token, campaign);
      await f.finalized(owner.merchantId, campaign.id, a, [4000]);
      const r = await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, owner.token);
      const batch = r.data!.createPayoutBatch;
      expect(batch.items.totalCount).toBe(0);
      expect(batch.skipped).toEqual([
        { affiliate: { id: a.affiliateId }, amountMinor: 4000, currency: 'USD', reason: 'PAYOUT_ACCOUNT_NOT_READY', message: expect.any(String) },
      ]);
      await app.gql(EXECUTE, { id: batch.id }, owner.token);
      expect((await f.settle(owner.token, batch.id)).status).toBe('COMPLETED');
      // Carried forward: once connected, the next batch pays it.
      await f.onboard(a);
      const next = (await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-12' } }, owner.token)).data!.createPayoutBatch;
      expect(next.items.edges[0].node).toMatchObject({ amountMinor: 4000, affiliate: { id: a.affiliateId } });
    });

    it('a forged Stripe webhook is refused with 400 and changes nothing', async () => {
      const body = JSON.stringify({ id: 'evt_forged', type: 'transfer.reversed', data: { object: { id: 'tr_x', metadata: {} } } });
      const noSig = await fetch(`${app.url}/webhooks/stripe`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(noSig.status).toBe(400);
      const t = Math.floor(Date.now() / 1000);
      const forged = await fetch(`${app.url}/webhooks/stripe`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${'ab'.repeat(32)}` },
      });
      expect(forged.status).toBe(400);
      expect(((await forged.json()) as { error: string }).error).toMatch(/signature/i);
      const seen = await app.orm.em.fork().execute(`select count(*)::int as n from stripe_event where id = 'evt_forged'`);
      expect(seen[0]!.n).toBe(0);
    });

    it('an unknown event type is acknowledged; a redelivered event is handled once', async () => {
      const { signPayload } = await import('@sorae/stripe-emulator');
      const body = JSON.stringify({ id: `evt_${Date.now()}`, object: 'event', type: 'customer.created', data: { object: {} } });
      const send = () =>
        fetch(`${app.url}/webhooks/stripe`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'stripe-signature': signPayload(body, app.services.payouts.stripe.webhookSecret, Math.floor(Date.now() / 1000)),
          },
        });
      const first = await send();
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ received: true, outcome: 'ignored' });
      expect(await (await send()).json()).toMatchObject({ outcome: 'duplicate' });
    });
  });
});

describe('the built-in Stripe emulator across a restart', () => {
  it('a payout to an account onboarded before the restart posts', async () => {
    const before = await startTestApp({ STRIPE_EMULATOR_RATE: '0', PAYOUT_RATE_PER_SECOND: '200', PAYOUT_RETRY_BASE_MS: '20', PAYOUT_TICK_MS: '200' });
    let app = before;
    try {
      const owner = await app.newMerchant();
      const campaign = await new PayoutFixtures(app).campaign(owner.token);
      const a = await new PayoutFixtures(app).affiliate(owner.token, campaign);
      const account = await new PayoutFixtures(app).onboard(a);

      app = await before.restart();
      const f = new PayoutFixtures(app);
      await f.finalized(owner.merchantId, campaign.id, a, [1_200]);
      const batch = (await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-10' } }, owner.token)).data!.createPayoutBatch;
      await app.gql(EXECUTE, { id: batch.id }, owner.token);
      const done = await f.settle(owner.token, batch.id);
      const item = (await app.gql(BATCH, { id: batch.id }, owner.token)).data!.payoutBatch.items.edges[0].node;
      expect({ status: done.status, failureCode: item.failureCode, failureMessage: item.failureMessage }).toEqual({
        status: 'COMPLETED',
        failureCode: null,
        failureMessage: null,
      });
      expect((await f.transfers()).map((t) => [t.destination, t.amount, t.id])).toEqual([[account, 1_200, item.stripeTransferId]]);
    } finally {
      await app.close();
    }
  });
});

describe('the Stripe emulator and its control routes exist only in emulator mode', () => {
  it('with STRIPE_SECRET_KEY nothing answers on the emulator port, and the server has no /_emulator routes', async () => {
    const emulated = await startTestApp();
    const port = emulated.stripeEmulator!.port;
    try {
      expect((await fetch(`http://127.0.0.1:${port}/_emulator/stats`)).status).toBe(200);
    } finally {
      await emulated.close();
    }
    // The discard port: no Stripe call is expected, and none could reach anything.
    const real = await startTestApp({
      STRIPE_SECRET_KEY: 'sk_test_real',
      STRIPE_WEBHOOK_SECRET: 'whsec_real',
      STRIPE_API_URL: 'http://127.0.0.1:9',
      STRIPE_EMULATOR_PORT: String(port),
    });
    try {
      expect(real.stripeEmulator).toBeNull();
      await expect(fetch(`http://127.0.0.1:${port}/_emulator/stats`)).rejects.toThrow();
      for (const path of ['/_emulator/stats', '/_emulator/transfers', '/_emulator/reset']) {
        expect((await fetch(`${real.url}${path}`, { method: path.endsWith('reset') ? 'POST' : 'GET' })).status, path).toBe(404);
      }
    } finally {
      await real.close();
    }
  });
});

describe('payout item leases', () => {
  let app: TestApp;
  beforeAll(async () => {
    // No tick: only the runner under test touches the item.
    app = await startTestApp({ STRIPE_EMULATOR_RATE: '0', PAYOUT_TICK_MS: '3600000' });
  });
  afterAll(() => app?.close());

  it('a worker whose lease ran out cannot write the item, even after its own runner claimed it again', async () => {
    const f = new PayoutFixtures(app);
    const owner = await app.newMerchant();
    const campaign = await f.campaign(owner.token);
    const a = await f.affiliate(owner.token, campaign);
    await f.onboard(a);
    await f.finalized(owner.merchantId, campaign.id, a, [1000]);
    const batch = (await app.gql(CREATE, { input: { campaignId: campaign.id, period: '2026-11' } }, owner.token)).data!.createPayoutBatch;
    const em = app.orm.em.fork();
    await em.execute(`update payout_batch set status = 'EXECUTING', executed_at = now() where id = ?`, [batch.id]);
    // The claim and its writes are private: this drives them one step at a time, as two workers
    // of one runner would interleave when the first waits past its lease.
    const runner = app.services.payouts.newRunner() as unknown as {
      claim(): Promise<{ id: string; lease: string; abandoned: boolean } | null>;
      noAnswer(item: object, detail: string, spent: boolean): Promise<void>;
      fail(item: object, code: string, message: string): Promise<void>;
      close(): Promise<void>;
    };
    try {
      const first = (await runner.claim())!;
      await em.execute(`update payout_item set lease_until = clock_timestamp() - interval '1 second' where id = ?`, [first.id]);
      const second = (await runner.claim())!;
      expect(second).toMatchObject({ id: first.id, abandoned: true });
      expect(second.lease).not.toBe(first.lease);
      await runner.noAnswer(first, 'the stale worker heard nothing', true);
      await runner.fail(first, 'account_invalid', 'the stale worker was refused');
      const [row] = await em.execute(`select status, lease_owner, key_spent, transient_failures from payout_item where id = ?`, [first.id]);
      expect(row).toEqual({ status: 'PENDING', lease_owner: second.lease, key_spent: false, transient_failures: 0 });
    } finally {
      await runner.close();
    }
  });
});

describe('the monthly schedule', () => {
  let app: TestApp;
  let now = new Date('2026-11-03T08:00:00Z');

  beforeAll(async () => {
    app = await startTestApp({ STRIPE_EMULATOR_RATE: '0', PAYOUT_RATE_PER_SECOND: '200', PAYOUT_RETRY_BASE_MS: '20', PAYOUT_TICK_MS: '3600000' }, () => now);
  });
  afterAll(() => app?.close());

  it("on the campaign's payout day, pays the previous month once, and executes it when the campaign says so", async () => {
    const f = new PayoutFixtures(app);
    const owner = await app.newMerchant();
    const auto = await f.campaign(owner.token, { payoutDayOfMonth: 5, autoExecutePayouts: true });
    const manual = await f.campaign(owner.token, { payoutDayOfMonth: 5 });
    const a = await f.affiliate(owner.token, auto);
    const b = await f.affiliate(owner.token, manual);
    await f.onboard(a);
    await f.onboard(b);
    await f.finalized(owner.merchantId, auto.id, a, [1000], new Date('2026-10-20T00:00:00Z'));
    await f.finalized(owner.merchantId, auto.id, a, [7000], new Date('2026-11-02T00:00:00Z')); // this month: next time
    await f.finalized(owner.merchantId, manual.id, b, [3000], new Date('2026-10-31T23:00:00Z'));

    await app.services.payouts.tick(); // the 3rd: not yet
    const batches = () => app.gql(`{ payoutBatches { edges { node { id status period totalMinor campaign { id } } } } }`, {}, owner.token);
    expect((await batches()).data!.payoutBatches.edges).toHaveLength(0);

    now = new Date('2026-11-05T06:00:00Z');
    await app.services.payouts.tick();
    await app.services.payouts.tick(); // idempotent per campaign and period
    const list = (await batches()).data!.payoutBatches.edges.map((e: any) => e.node);
    expect(list).toHaveLength(2);
    const autoBatch = list.find((x: any) => x.campaign.id === auto.id);
    const manualBatch = list.find((x: any) => x.campaign.id === manual.id);
    expect(autoBatch).toMatchObject({ period: '2026-10', totalMinor: 1000 });
    expect(manualBatch).toMatchObject({ period: '2026-10', totalMinor: 3000, status: 'DRAFT' });
    expect((await new PayoutFixtures(app).settle(owner.token, autoBatch.id)).status).toBe('COMPLETED');

    // The operator does not want the manual campaign's batch: discarded, the schedule does not
    // build it again, and its commission waits for the next month's batch.
    expect((await app.gql(DISCARD, { id: manualBatch.id }, owner.token)).errors).toBeUndefined();
    await app.services.payouts.tick();
    expect((await batches()).data!.payoutBatches.edges.map((e: any) => e.node.id)).toEqual([autoBatch.id]);
    now = new Date('2026-12-05T06:00:00Z'); // (the owner's session has expired by then: read the table)
    await app.services.payouts.tick();
    const december = await app
      .emFor(owner.merchantId)
      .execute(`select period, total_minor::int as total, status from payout_batch where campaign_id = ?`, [manual.id]);
    expect(december).toEqual([{ period: '2026-11', total: 3000, status: 'DRAFT' }]);
  });

  it('previews what the next scheduled batch will pay, per currency, and the batch then pays exactly that', async () => {
    now = new Date('2027-01-03T08:00:00Z');
    const f = new PayoutFixtures(app);
    const owner = await app.newMerchant();
    const campaign = await f.campaign(owner.token, { payoutDayOfMonth: 5, minPayoutMinor: 500 });
    const [ready, small, waiting] = [
      await f.affiliate(owner.token, campaign),
      await f.affiliate(owner.token, campaign),
      await f.affiliate(owner.token, campaign),
    ];
    await f.onboard(ready);
    await f.onboard(small);
    const [first] = await f.finalized(owner.merchantId, campaign.id, ready, [1000, 2500], new Date('2026-12-10T00:00:00Z'));
    await f.clawback(owner.merchantId, first!, -300);
    await f.finalized(owner.merchantId, campaign.id, ready, [9000], new Date('2027-01-02T00:00:00Z')); // this month: next time
    await f.finalized(owner.merchantId, campaign.id, small, [400], new Date('2026-12-11T00:00:00Z')); // below the minimum
    await f.finalized(owner.merchantId, campaign.id, waiting, [1200], new Date('2026-12-12T00:00:00Z')); // no payout account
    const preview = await app.gql(
      `query($c: ID!, $p: String!) { payoutPreview(campaignId: $c, period: $p) { currency amountMinor affiliates awaitingAccountMinor awaitingAccountAffiliates } }`,
      { c: campaign.id, p: '2026-12' },
      owner.token,
    );
    expect(preview.errors).toBeUndefined();
    expect(preview.data!.payoutPreview).toEqual([
      { currency: 'USD', amountMinor: 3200, affiliates: 1, awaitingAccountMinor: 1200, awaitingAccountAffiliates: 1 },
    ]);

    now = new Date('2027-01-05T06:00:00Z');
    await app.services.payouts.tick();
    const built = await app.emFor(owner.merchantId).execute(`select period, total_minor::int as total from payout_batch where campaign_id = ?`, [campaign.id]);
    expect(built).toEqual([{ period: '2026-12', total: 3200 }]);
  });
});
