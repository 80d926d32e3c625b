import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { freePort } from '../scripts/free-port.mjs';
import { signInToPortal } from './support/portal.js';
import { confirmFromOutbox } from './support/applicants.js';
import { moneyInBrowser } from './support/page-checks.js';

const CURRENCY = 'EUR';
/** 10% commission: Ava's €200.00 order earns €20.00, Ben's €150.00 €15.00, Cal's €80.00 €8.00. */
const ava = { name: 'Ava Stone', email: 'ava@creators.example', password: 'ava-portal-password', orderMinor: 20_000, commissionMinor: 2_000 };
const ben = { name: 'Ben Ortiz', email: 'ben@creators.example', password: 'ben-portal-password', orderMinor: 15_000, commissionMinor: 1_500 };
/** Never connects Stripe: carried forward. */
const cal = { name: 'Cal Reyes', email: 'cal@creators.example', password: 'cal-portal-password', orderMinor: 8_000, commissionMinor: 800 };

describeScenario(
  'affiliate connects Stripe in the portal; operator finalizes, previews and executes a batch; one transfer fails; the operator retries it; the affiliate sees the payout POSTED',
  () => {
    // The built-in Stripe emulator listens on a port this test chooses, so it can reach the
    // emulator's control surface (/_emulator/*) to inject a fault.
    const env: Record<string, string> = {};
    beforeAll(async () => {
      env.STRIPE_EMULATOR_PORT = String(await freePort());
    });
    const s = useScenario('affiliate-gets-paid', { env });
    const emulator = () => `http://127.0.0.1:${env.STRIPE_EMULATOR_PORT}`;

    let owner: Record<string, string> = {};
    let campaignId = '';
    const accounts = new Map<string, string>(); // email → Stripe account id
    let transfersBefore = 0;

    const gql = async <T>(query: string, variables: Record<string, unknown> = {}, headers = owner) => {
      const res = await s.system.graphql<T>(query, variables, headers);
      expect(res.errors).toBeUndefined();
      return res.data!;
    };
    const emulatorTransfers = async () => {
      const res = await fetch(`${emulator()}/_emulator/transfers`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: { id: string; destination: string; amount: number; idempotency_key: string | null }[] }).data;
    };

    it('the merchant has a campaign paying from the first cent, three affiliates, and an order through each one’s link', async () => {
      const signIn = await gql<{ signIn: { token: string; user: { merchant: { id: string } } } }>(
        `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token user { merchant { id } } } }`,
        s.system.admin,
        {},
      );
      owner = { authorization: `Bearer ${signIn.signIn.token}` };
      const merchantId = signIn.signIn.user.merchant.id;
      const created = await gql<{ createCampaign: { id: string } }>(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
        input: {
          name: 'Creator Program',
          slug: 'creators',
          destinationUrl: 'http://shop.example.test/',
          currency: CURRENCY,
          commission: { type: 'PERCENTAGE', rateBps: 1000 },
          minPayoutMinor: 0,
        },
      });
      campaignId = created.createCampaign.id;
      const secret = (await gql<{ rotateOrderWebhookSecret: string }>(`mutation { rotateOrderWebhookSecret }`)).rotateOrderWebhookSecret;

      for (const who of [ava, ben, cal]) {
        const applied = await gql<{ submitApplication: { id: string } }>(
          `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
          { input: { campaignSlug: 'creators', name: who.name, email: who.email, password: who.password, answers: [] } },
          {},
        );
        await confirmFromOutbox(s.system, who.email);
        const reviewed = await gql<{ reviewApplications: { approvedCount: number; results: { enrollment: { shareUrl: string } | null }[] } }>(
          `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount results { enrollment { shareUrl } } } }`,
          { input: { ids: [applied.submitApplication.id], decision: 'APPROVE' } },
        );
        expect(reviewed.reviewApplications.approvedCount).toBe(1);
        const shareUrl = reviewed.reviewApplications.results[0]!.enrollment!.shareUrl;

        // A shopper follows the link: the redirect names the visitor the order will carry.
        const followed = await fetch(shareUrl, { redirect: 'manual' });
        expect(followed.status).toBe(302);
        const visitorId = new URL(followed.headers.get('location')!).searchParams.get('sorae_vid');
        expect(visitorId).toBeTruthy();
        const affiliates = await gql<{ affiliates: { edges: { node: { id: string; email: string } }[] } }>(
          `{ affiliates(first: 10) { edges { node { id email } } } }`,
        );
        const affiliateId = affiliates.affiliates.edges.find((e) => e.node.email === who.email)!.node.id;
        // Clicks are written in batches: wait until it is stored before the order arrives.
        await expect
          .poll(
            async () =>
              (
                await gql<{ affiliate: { clicks: { totalCount: number } } }>(`query ($id: ID!) { affiliate(id: $id) { clicks { totalCount } } }`, {
                  id: affiliateId,
                })
              ).affiliate.clicks.totalCount,
            { timeout: 10_000, interval: 200 },
          )
          .toBe(1);

        const body = JSON.stringify({
          id: `evt-${who.email}`,
          type: 'order.created',
          order: {
            id: `order-${who.name.split(' ')[0]!.toLowerCase()}`,
            amountMinor: who.orderMinor,
            currency: CURRENCY,
            occurredAt: new Date().toISOString(),
            visitorId,
          },
        });
        const t = Math.floor(Date.now() / 1000);
        const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
        const res = await fetch(`${s.system.baseUrl}/webhooks/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'sorae-signature': `t=${t},v1=${v1}`, 'sorae-merchant': merchantId },
          body,
        });
        expect(res.status).toBe(200);
        const answer = (await res.json()) as { conversion: { channel: string; commissionId: string | null } };
        expect(answer.conversion.channel).toBe('AFFILIATE');
        expect(answer.conversion.commissionId).toBeTruthy();
      }
    });

    for (const who of [ava, ben]) {
      it(`${who.name} connects Stripe on the portal's Get paid page and comes back ready for payouts`, async () => {
        const page = await s.newPage();
        await signInToPortal(page, who);
        await page.getByTestId('nav-get-paid').click();
        const card = page.getByTestId('payout-account');
        await card.waitFor();
        expect(await card.getAttribute('data-status')).toBe('NOT_CONNECTED');
        expect(await card.textContent()).toContain('Connect a Stripe account to get paid');
        if (who === ava) await s.shot(page, 'get paid before connecting');

        // Stripe's onboarding (the emulator's account link) marks the account enabled and sends
        // the affiliate back to the portal's return URL.
        const toStripe = page.waitForRequest((r) => r.url().startsWith(`${emulator()}/_emulator/onboard/`));
        await page.getByTestId('connect-stripe').click();
        await toStripe;
        await page.waitForURL(/\/portal\/get-paid\?onboarding=return$/);
        await page.locator('[data-testid="payout-account"][data-status="ENABLED"]').waitFor();
        expect(await page.getByTestId('onboarding-returned').textContent()).toContain('can receive payouts');
        expect(await page.getByTestId('connect-stripe').count()).toBe(0);
        const accountId = (await page.getByTestId('stripe-account-id').textContent()) ?? '';
        expect(accountId).toMatch(/^acct_/);
        accounts.set(who.email, accountId);
        if (who === ava) await s.shot(page, 'get paid connected');
      });
    }

    it('the operator finalizes the three commissions on the Commissions page', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.goto('/admin/commissions?status=PENDING');
      await page.getByTestId('commissions-row').first().waitFor();
      expect(await page.getByTestId('commissions-row').count()).toBe(3);
      await page.getByTestId('commissions-select-all').check();
      await page.getByTestId('finalize-selected').click();
      await page.getByTestId('finalize-dialog').waitFor();
      await page.getByTestId('finalize-confirm').click();
      const result = page.getByTestId('finalize-result');
      await result.waitFor();
      expect(await result.getAttribute('data-count')).toBe('3');
      await page.getByTestId('finalize-done').click();
    });

    it('the operator builds a batch, previews it, discards the preview and builds it again, injects a fault for Ava, executes it and watches one transfer fail; retrying posts it; the export adds up', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.getByTestId('nav-payouts').click();
      await page.getByRole('heading', { name: 'Payouts', level: 1 }).waitFor();
      await page.getByTestId('payout-batches-empty').waitFor();

      // New batch: the campaign and the month (the previous one by default).
      await page.getByTestId('new-batch').click();
      const dialog = page.getByTestId('new-batch-dialog');
      await dialog.waitFor();
      const now = new Date();
      const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
      const period = `${previous.getUTCFullYear()}-${String(previous.getUTCMonth() + 1).padStart(2, '0')}`;
      expect(await page.getByTestId('new-batch-period').inputValue()).toBe(period);
      await page.getByTestId('new-batch-campaign').selectOption(campaignId);
      await page.getByTestId('new-batch-submit').click();

      // The preview: nothing sent yet; two items, Cal carried forward for want of a Stripe account.
      const preview = page.getByTestId('batch-preview');
      await preview.waitFor();
      const total = await moneyInBrowser(page, ava.commissionMinor + ben.commissionMinor, CURRENCY);
      expect(await preview.textContent()).toContain(`2 transfers totalling ${total}`);
      expect(await page.getByTestId('batch-status').getAttribute('data-status')).toBe('DRAFT');
      expect(await page.getByTestId('batch-stat-total').textContent()).toBe(total);
      expect(await page.getByTestId('batch-stat-items').textContent()).toBe('2');
      const items = page.getByTestId('payout-items-row');
      await items.first().waitFor();
      expect(await items.count()).toBe(2);
      const avaRow = items.filter({ hasText: ava.email });
      const benRow = items.filter({ hasText: ben.email });
      expect(await avaRow.getByTestId('payout-item-net').textContent()).toBe(await moneyInBrowser(page, ava.commissionMinor, CURRENCY));
      expect(await benRow.getByTestId('payout-item-net').textContent()).toBe(await moneyInBrowser(page, ben.commissionMinor, CURRENCY));
      for (const row of [avaRow, benRow]) {
        expect(await row.getByTestId('payout-item-status').getAttribute('data-status')).toBe('PENDING');
        expect(await row.getByTestId('payout-account-status').getAttribute('data-status')).toBe('ENABLED');
      }
      const skipped = page.getByTestId('payout-skipped-row');
      expect(await skipped.count()).toBe(1);
      expect(await skipped.textContent()).toContain(cal.email);
      expect(await skipped.textContent()).toContain(await moneyInBrowser(page, cal.commissionMinor, CURRENCY));
      expect(await skipped.getByTestId('skipped-reason').getAttribute('data-reason')).toBe('PAYOUT_ACCOUNT_NOT_READY');
      expect(await skipped.getByTestId('payout-account-status').getAttribute('data-status')).toBe('NOT_CONNECTED');
      await s.shot(page, 'batch preview');

      // Not yet: the operator discards the preview (its commissions are released) and builds the
      // same batch again.
      await page.getByTestId('discard-batch').click();
      await page.getByTestId('discard-dialog').waitFor();
      await page.getByTestId('discard-dialog-confirm').click();
      expect(await page.getByTestId('batch-discarded').textContent()).toContain(period);
      await page.getByTestId('payout-batches-empty').waitFor();
      await page.getByTestId('new-batch').click();
      await page.getByTestId('new-batch-dialog').waitFor();
      await page.getByTestId('new-batch-campaign').selectOption(campaignId);
      await page.getByTestId('new-batch-submit').click();
      await preview.waitFor();
      expect(await preview.textContent()).toContain(`2 transfers totalling ${total}`);
      await items.nth(1).waitFor();

      // Stripe will refuse the first transfer to Ava's account, once.
      transfersBefore = (await emulatorTransfers()).length;
      const fault = await fetch(`${emulator()}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ op: 'transfers.create', destination: accounts.get(ava.email), mode: 'error', code: 'account_invalid', times: 1 }),
      });
      expect(fault.status).toBe(200);

      // Execute, after a confirmation that says what will be sent.
      await page.getByTestId('execute-batch').click();
      await page.getByTestId('execute-dialog').waitFor();
      expect(await page.getByTestId('execute-count').textContent()).toBe('2');
      expect(await page.getByTestId('execute-total').textContent()).toBe(total);
      await page.getByTestId('execute-dialog-confirm').click();
      await page.getByTestId('execute-dialog').waitFor({ state: 'detached' });

      // The progress bar follows the run until it completes, with one failure.
      const progress = page.getByTestId('batch-progress');
      await progress.waitFor();
      await page.locator('[data-testid="batch-progress"][data-status="COMPLETED_WITH_FAILURES"]').waitFor({ timeout: 30_000 });
      expect(await progress.getAttribute('data-done')).toBe('2');
      expect(await progress.getAttribute('data-failed')).toBe('1');
      expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('2');
      expect(await page.getByTestId('batch-status').getAttribute('data-status')).toBe('COMPLETED_WITH_FAILURES');
      await avaRow.locator('[data-testid="payout-item-status"][data-status="FAILED"]').waitFor();
      expect(await avaRow.getByTestId('payout-item-failure').getAttribute('data-code')).toBe('account_invalid');
      expect(await avaRow.getByTestId('payout-item-transfer').count()).toBe(0);
      await benRow.locator('[data-testid="payout-item-status"][data-status="POSTED"]').waitFor();
      expect(await benRow.getByTestId('payout-item-transfer').textContent()).toMatch(/^tr_/);

      // The status filter narrows the table to the failed item.
      await page.getByTestId('item-status-filter').selectOption('FAILED');
      await page.getByTestId('payout-items-page-info').filter({ hasText: '1 total' }).waitFor();
      expect(await items.count()).toBe(1);
      expect(await items.textContent()).toContain(ava.email);
      await s.shot(page, 'one transfer failed');

      // Meanwhile Ava's dashboard says why, in plain words, and where to fix it (not Stripe's message, which is for operators).
      const portal = await s.newPage();
      await signInToPortal(portal, ava);
      const failed = portal.getByTestId('failed-payout');
      await failed.waitFor();
      expect(await failed.getAttribute('data-code')).toBe('account_invalid');
      expect(await failed.getByRole('heading').textContent()).toBe(
        `Your payout of ${await moneyInBrowser(portal, ava.commissionMinor, CURRENCY)} from Creator Program failed`,
      );
      expect(await portal.getByTestId('failed-payout-reason').textContent()).toMatch(/closed, disconnected or no longer valid/);
      expect(await portal.getByTestId('failed-payout-next').textContent()).toMatch(/connect your Stripe account again/);
      await failed.getByRole('link', { name: 'Open Get paid' }).click();
      await portal.waitForURL(/\/portal\/get-paid$/);
      await portal.close();
      await page.getByTestId('item-status-filter').selectOption('');
      await page.getByTestId('payout-items-page-info').filter({ hasText: '2 total' }).waitFor();

      // Retry the failed item: it is sent again (a new attempt) and posts.
      await page.getByTestId('retry-failed').click();
      await page.locator('[data-testid="batch-progress"][data-status="COMPLETED"]').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('batch-status').getAttribute('data-status')).toBe('COMPLETED');
      expect(await progress.getAttribute('data-failed')).toBe('0');
      await avaRow.locator('[data-testid="payout-item-status"][data-status="POSTED"]').waitFor();
      expect(await avaRow.getByTestId('payout-item-transfer').textContent()).toMatch(/^tr_/);
      expect(await avaRow.getByTestId('payout-item-attempts').textContent()).toBe('2');
      expect(await avaRow.getByTestId('payout-item-failure').count()).toBe(0);
      expect(await page.getByTestId('retry-failed').count()).toBe(0);
      await s.shot(page, 'retried and posted');

      // What Stripe holds: exactly one transfer per affiliate, for the item's amount.
      const transfers = (await emulatorTransfers()).slice(transfersBefore);
      expect(transfers).toHaveLength(2);
      expect(transfers.find((t) => t.destination === accounts.get(ava.email))?.amount).toBe(ava.commissionMinor);
      expect(transfers.find((t) => t.destination === accounts.get(ben.email))?.amount).toBe(ben.commissionMinor);

      // The CSV export: every item, amounts in major units, Ava's row posted on attempt 2.
      const download = page.waitForEvent('download');
      await page.getByTestId('export-csv').click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(new RegExp(`^payouts-${period}-creator-program-.*\\.csv$`));
      const csv = readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, '');
      const lines = csv.trimEnd().split('\r\n');
      expect(lines).toHaveLength(3);
      const header = lines[0]!.split(',');
      const avaLine = lines.find((l) => l.includes(ava.email))!.split(',');
      const col = (name: string) => avaLine[header.indexOf(name)];
      expect(col('affiliate_name')).toBe(ava.name);
      expect(col('net')).toBe('20.00');
      expect(col('net_minor')).toBe(String(ava.commissionMinor));
      expect(col('status')).toBe('POSTED');
      expect(col('attempts')).toBe('2');
      expect(col('stripe_transfer_id')).toMatch(/^tr_/);

      // The batch list shows it completed, with its total.
      await page.getByTestId('nav-payouts').click();
      const batchRow = page.getByTestId('payout-batches-row');
      await batchRow.first().waitFor();
      expect(await batchRow.count()).toBe(1);
      expect(await batchRow.getByTestId('batch-status').getAttribute('data-status')).toBe('COMPLETED');
      expect(await batchRow.getByTestId('batch-total').textContent()).toBe(total);
      expect(await batchRow.textContent()).toContain(period);
    });

    it('Ava sees the payout POSTED in the portal, with its transfer and the commission it paid, paid the day the payout posted', async () => {
      const page = await s.newPage();
      await signInToPortal(page, ava);
      await page.getByTestId('nav-payouts').click();
      const row = page.getByTestId('my-payouts-row');
      await row.first().waitFor();
      expect(await row.count()).toBe(1);
      expect(await row.getByTestId('payout-item-status').getAttribute('data-status')).toBe('POSTED');
      expect(await row.getByTestId('my-payout-amount').textContent()).toBe(await moneyInBrowser(page, ava.commissionMinor, CURRENCY));
      expect(await row.getByTestId('my-payout-transfer').textContent()).toMatch(/^tr_/);
      const postedOn = (await row.getByTestId('my-payout-posted-at').textContent()) ?? '';
      expect(postedOn).not.toBe('—');
      expect(await page.getByTestId('payouts-account-notice').count()).toBe(0);

      await row.getByTestId('my-payout-toggle').click();
      const paid = page.getByTestId('my-payout-commission');
      await paid.first().waitFor();
      expect(await paid.count()).toBe(1);
      expect(await paid.textContent()).toContain('order-ava');
      expect(await paid.textContent()).toContain(await moneyInBrowser(page, ava.commissionMinor, CURRENCY));
      // The commission carries its paid date: when the retried transfer posted (a date and time, on the payout's day).
      expect(await paid.getByTestId('my-payout-commission-paid-at').textContent()).toContain(postedOn);
      await s.shot(page, 'affiliate sees payout posted');
    });
  },
);
