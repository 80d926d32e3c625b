import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { confirmationLink } from './support/applicants.js';
import { describeScenario, useScenario } from './support/scenario.js';

/** The demo campaign `npm start` seeds: 10% commission, payouts from $20.00. */
const CAMPAIGN = { slug: 'creators', name: 'Creator Program', currency: 'USD' };
const newcomer = { name: 'Rosa Delgado', email: 'rosa@creators.example', password: 'rosa-portal-password' };
/** A $500.00 order earns $50.00; a $100.00 refund takes $10.00 back: $40.00 is paid. */
const ORDER = { id: 'order-5001', amountMinor: 50_000 };
const REFUND = { id: 're_5001', amountMinor: 10_000 };
const COMMISSION = { earnedMinor: 5_000, paidMinor: 4_000 };

/** What an amount looks like in the browser's locale (the apps format money with Intl). */
const moneyInBrowser = (page: Page, minor: number) =>
  page.evaluate(([m, c]) => new Intl.NumberFormat(undefined, { style: 'currency', currency: c }).format(m / 100), [minor, CAMPAIGN.currency] as const);

// `npm install && npm start` with nothing else installed: the embedded database (PGlite), the
// demo data, the built-in Stripe emulator. Every step is taken from outside, as its people do.
describeScenario(
  'a newcomer runs `npm start` with nothing installed: someone applies, is approved, a shopper follows the link and buys, the store refunds part, the operator finalizes and pays, and the affiliate sees the payout',
  () => {
    const s = useScenario('newcomer-runs-the-whole-lifecycle-on-the-embedded-database', { zeroInstall: true });
    const store = { merchantId: '', secret: '', url: '' };
    let shareUrl = '';
    let applicant: Page;

    /** How many clicks the operator sees for an affiliate (GraphQL, signed in with the printed credentials). */
    const clickCounter = async (email: string) => {
      const signIn = await s.system.graphql<{ signIn: { token: string } }>(
        `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
        s.system.admin,
      );
      const auth = { authorization: `Bearer ${signIn.data!.signIn.token}` };
      const list = await s.system.graphql<{ affiliates: { edges: { node: { id: string; email: string } }[] } }>(
        `{ affiliates(first: 100) { edges { node { id email } } } }`,
        {},
        auth,
      );
      const id = list.data!.affiliates.edges.find((e) => e.node.email === email)!.node.id;
      return async () =>
        (
          await s.system.graphql<{ affiliate: { clicks: { totalCount: number } } }>(
            `query ($id: ID!) { affiliate(id: $id) { clicks { totalCount } } }`,
            { id },
            auth,
          )
        ).data!.affiliate.clicks.totalCount;
    };

    /** The store's signed delivery to the order webhook. */
    const deliver = async (event: Record<string, unknown>) => {
      const body = JSON.stringify(event);
      const t = Math.floor(Date.now() / 1000);
      const v1 = createHmac('sha256', store.secret).update(`${t}.${body}`).digest('hex');
      return fetch(store.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sorae-signature': `t=${t},v1=${v1}`, 'sorae-merchant': store.merchantId },
        body,
      });
    };

    it('someone applies to the demo campaign through its public page', async () => {
      applicant = await s.newPage();
      await applicant.goto(`/portal/apply/${CAMPAIGN.slug}`);
      const form = applicant.getByTestId('apply-form');
      await form.waitFor();
      expect(await applicant.getByTestId('apply-campaign-name').textContent()).toBe(CAMPAIGN.name);
      await form.getByLabel('Social profile').fill('https://social.example/@rosa');
      await form.getByLabel('Audience size').fill('42000');
      await form.getByLabel('Content category').selectOption('Travel');
      await form.getByLabel('Your name').fill(newcomer.name);
      await form.getByLabel('Email', { exact: false }).fill(newcomer.email);
      await form.getByLabel('Password').fill(newcomer.password);
      await applicant.getByRole('button', { name: 'Submit application' }).click();
      await applicant.getByTestId('apply-check-email').waitFor();
      // The demo has no SMTP server: the confirmation waits in the owner's outbox; she opens it.
      await applicant.goto(await confirmationLink(s.system, newcomer.email));
      await applicant.getByRole('heading', { name: 'My applications', level: 1 }).waitFor();
    });

    it('the operator signs in with what `npm start` printed, approves her and copies her share link; Settings → Integrations gives the store its webhook secret', async () => {
      expect(s.system.admin.email).toBe('admin@sorae.local');
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.getByRole('link', { name: 'Applications', exact: true }).click();
      await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
      const rows = page.getByTestId('applications-row');
      await page.getByTestId('filter-search').fill(newcomer.name);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="applications-row"]').length === 1);
      await rows.filter({ hasText: newcomer.name }).getByTestId('row-approve').click();
      const dialog = page.getByTestId('review-dialog');
      await dialog.getByTestId('review-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.querySelector('[data-testid="summary-approved"]')?.textContent === '1');

      await page.getByTestId('tab-approved').click();
      await rows.filter({ hasText: newcomer.name }).getByTestId('open-application').click();
      const drawer = page.getByTestId('application-drawer');
      await drawer.getByTestId('drawer-share-url').waitFor();
      shareUrl = (await drawer.getByTestId('drawer-share-url').textContent()) ?? '';
      expect(shareUrl).toMatch(new RegExp(`^${s.system.baseUrl}/r/[23456789A-HJKMNP-Z]{8}$`));
      await drawer.getByTestId('application-drawer-close').click();

      await page.getByTestId('nav-settings').click();
      await page.getByRole('heading', { name: 'Integrations' }).waitFor();
      store.url = await page.getByTestId('webhook-url-value').inputValue();
      expect(store.url).toBe(`${s.system.baseUrl}/webhooks/orders`);
      store.merchantId = await page.getByTestId('webhook-merchant-id-value').inputValue();
      await page.getByTestId('rotate-webhook-secret').click();
      await page.getByTestId('rotate-dialog-confirm').click();
      store.secret = await page.getByTestId('webhook-secret-field-value').inputValue();
      expect(store.secret.length).toBeGreaterThanOrEqual(16);
    });

    it('she connects a payout account through Stripe’s onboarding (the built-in emulator) and comes back ready for payouts', async () => {
      await applicant.goto('/portal/');
      await applicant.getByTestId('nav-get-paid').click();
      await applicant.locator('[data-testid="payout-account"][data-status="NOT_CONNECTED"]').waitFor();
      await applicant.getByTestId('connect-stripe').click();
      await applicant.waitForURL(/\/portal\/get-paid\?onboarding=return$/);
      await applicant.locator('[data-testid="payout-account"][data-status="ENABLED"]').waitFor();
      expect(await applicant.getByTestId('stripe-account-id').textContent()).toMatch(/^acct_/);
    });

    it('a shopper follows her link and buys; the store reports the order, then refunds part of it', async () => {
      const followed = await fetch(shareUrl, { redirect: 'manual' });
      expect(followed.status).toBe(302);
      const landing = new URL(followed.headers.get('location')!);
      const clickId = landing.searchParams.get('sorae_click');
      const visitorId = landing.searchParams.get('sorae_vid');
      expect(clickId && visitorId).toBeTruthy();
      // Clicks are written in batches (every 250 ms): the checkout comes once hers is stored, as the operator sees it.
      await expect.poll(await clickCounter(newcomer.email), { timeout: 15_000, interval: 200 }).toBe(1);

      const ordered = await deliver({
        id: 'evt_order_5001',
        type: 'order.created',
        order: {
          id: ORDER.id,
          amountMinor: ORDER.amountMinor,
          currency: CAMPAIGN.currency,
          occurredAt: new Date().toISOString(),
          clickId,
          visitorId,
          customerId: 'c-5001',
        },
      });
      expect(ordered.status).toBe(200);
      const outcome = (await ordered.json()) as { conversion: { channel: string; commissionId: string | null } };
      expect(outcome.conversion.channel).toBe('AFFILIATE');
      expect(outcome.conversion.commissionId).toBeTruthy();

      const refunded = await deliver({
        id: 'evt_refund_5001',
        type: 'order.refunded',
        order: { id: ORDER.id },
        refund: { id: REFUND.id, amountMinor: REFUND.amountMinor, occurredAt: new Date().toISOString() },
      });
      expect(refunded.status).toBe(200);
    });

    it('the operator finalizes her commission, reduced by the refund, then builds the payout batch and executes it', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.goto('/admin/commissions?status=PENDING');
      await page.getByTestId('commission-filters').waitFor();
      await page.getByTestId('commissions-row').first().waitFor();
      // The affiliate filter searches as the operator types: part of her email finds her.
      await page.getByTestId('filter-affiliate').fill(newcomer.email.split('@')[0]!);
      await page.getByTestId('affiliate-option').filter({ hasText: newcomer.email }).click();
      // The table reloads for the filter: the demo's many pending commissions give way to her one.
      await page.waitForFunction((orderId) => {
        const rows = document.querySelectorAll('[data-testid="commissions-row"]');
        return rows.length === 1 && rows[0]!.textContent!.includes(orderId);
      }, ORDER.id);
      const row = page.getByTestId('commissions-row');
      const amount = (await row.getByTestId('commission-amount').textContent()) ?? '';
      expect(amount).toContain(await moneyInBrowser(page, COMMISSION.earnedMinor)); // struck through
      expect(amount).toContain(await moneyInBrowser(page, COMMISSION.paidMinor));
      await page.getByRole('checkbox', { name: `Select order ${ORDER.id}` }).check();
      await page.getByTestId('finalize-selected').click();
      await page.getByTestId('finalize-confirm').click();
      expect(await page.getByTestId('finalize-result').getAttribute('data-count')).toBe('1');
      await page.getByTestId('finalize-done').click();

      await page.getByTestId('nav-payouts').click();
      await page.getByRole('heading', { name: 'Payouts', level: 1 }).waitFor();
      await page.getByTestId('new-batch').click();
      await page.getByTestId('new-batch-campaign').selectOption({ label: `${CAMPAIGN.name} (${CAMPAIGN.currency})` });
      await page.getByTestId('new-batch-submit').click();
      await page.getByTestId('batch-preview').waitFor();
      const item = page.getByTestId('payout-items-row').filter({ hasText: newcomer.email });
      await item.waitFor();
      expect(await item.getByTestId('payout-item-net').textContent()).toBe(await moneyInBrowser(page, COMMISSION.paidMinor));
      expect(await item.getByTestId('payout-account-status').getAttribute('data-status')).toBe('ENABLED');
      await s.shot(page, 'batch preview');

      await page.getByTestId('execute-batch').click();
      await page.getByTestId('execute-dialog-confirm').click();
      await page.locator('[data-testid="batch-progress"][data-status="COMPLETED"]').waitFor({ timeout: 30_000 });
      await item.locator('[data-testid="payout-item-status"][data-status="POSTED"]').waitFor();
      expect(await item.getByTestId('payout-item-transfer').textContent()).toMatch(/^tr_/);
    });

    it('she sees the payout POSTED in the portal, with the order it paid', async () => {
      await applicant.goto('/portal/');
      await applicant.getByTestId('nav-payouts').click();
      const row = applicant.getByTestId('my-payouts-row');
      await row.first().waitFor();
      expect(await row.count()).toBe(1);
      expect(await row.getByTestId('payout-item-status').getAttribute('data-status')).toBe('POSTED');
      expect(await row.getByTestId('my-payout-amount').textContent()).toBe(await moneyInBrowser(applicant, COMMISSION.paidMinor));
      expect(await row.getByTestId('my-payout-transfer').textContent()).toMatch(/^tr_/);
      await row.getByTestId('my-payout-toggle').click();
      const paid = applicant.getByTestId('my-payout-commission');
      await paid.first().waitFor();
      expect(await paid.textContent()).toContain(ORDER.id);
      await s.shot(applicant, 'affiliate sees the payout');
    });
  },
);
