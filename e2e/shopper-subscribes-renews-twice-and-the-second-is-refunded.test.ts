import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { moneyInBrowser } from './support/page-checks.js';
import { signInToPortal } from './support/portal.js';
import { join, ownerClient, type Gql } from './support/program.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { attributionScript, launchShopper, startStore, type Store } from './support/store.js';
import { freePort } from '../scripts/free-port.mjs';

const nora = { name: 'Nora Quinn', email: 'nora@creators.example', password: 'nora-portal-password' };
/** $29.00 a month; the program pays 20% of each month for 12 months: $5.80. */
const PLAN_MINOR = 2_900;
const COMMISSION_MINOR = 580;
/** Half of the second month's charge comes back: its commission loses half, $2.90. */
const REFUND_MINOR = 1_450;

/**
 * The store's pricing page: sorae.js keeps the click, and "Subscribe" hands it to the store's
 * server, which opens Stripe Checkout in subscription mode with it as `client_reference_id`.
 */
const pricingPage = (base: string) => `<!doctype html>
<html><head><title>Example store: pricing</title><script src="${base}/sorae.js"></script></head>
<body><h1>Pro membership</h1><pre id="attribution">waiting</pre>
<button id="subscribe">Subscribe for $29.00 a month</button><p id="subscribed"></p>
${attributionScript}
<script>
document.getElementById('subscribe').addEventListener('click', async () => {
  const res = await fetch('/checkout', { method: 'POST', body: JSON.stringify({ clickId: Sorae.getAttribution().clickId }) });
  document.getElementById('subscribed').textContent = 'Subscribed: ' + (await res.json()).subscription;
});
</script>
</body></html>`;

interface Sale {
  subscription: string;
  invoice: string;
  charge: string;
}

describeScenario(
  'a shopper follows a link and subscribes through Stripe Checkout; the subscription renews twice and the second month is refunded in part: the affiliate sees three commissions and that refund, the operator the chain',
  () => {
    // The built-in emulator on a port this test knows: it plays Stripe's side of the checkout, the renewals and the refund.
    const env: Record<string, string> = {};
    beforeAll(async () => {
      env.STRIPE_EMULATOR_PORT = String(await freePort());
    });
    const s = useScenario('shopper-subscribes-renews-twice-and-the-second-is-refunded', { env });
    const emulator = async <T>(path: string, body: Record<string, unknown> = {}): Promise<T> => {
      const res = await fetch(`http://127.0.0.1:${env.STRIPE_EMULATOR_PORT}${path}`, { method: 'POST', body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    let store: Store | undefined;
    let shopperBrowser: Browser | undefined;
    afterAll(async () => {
      await shopperBrowser?.close().catch(() => undefined);
      await store?.close();
    });
    let gql: Gql;
    let account = '';
    let shareUrl = '';
    let sale: Sale | undefined;
    const invoices: string[] = [];
    const charges: string[] = [];

    interface Row {
      sequence: number;
      subscriptionId: string | null;
      status: string;
      amountMinor: number;
      adjustments: { kind: string }[];
      conversion: { orderId: string };
    }
    const commissions = async () =>
      (
        await gql<{ commissions: { edges: { node: Row }[] } }>(
          `query ($s: String) { commissions(first: 10, filter: { subscriptionId: $s }) { edges { node { sequence subscriptionId status amountMinor adjustments { kind } conversion { orderId } } } } }`,
          { s: sale!.subscription },
        )
      ).commissions.edges.map((e) => e.node);

    it('the owner runs a program that pays 20% of each month for 12 months, sells through Stripe, and an affiliate joins', async () => {
      gql = await ownerClient(s.system);
      // The checkout runs on the store's server with the merchant's Stripe account (the emulator's).
      store = await startStore(() => pricingPage(s.system.baseUrl), {
        '/checkout': async (body) => {
          sale = await emulator<Sale>('/_emulator/sales/checkout', {
            account,
            mode: 'subscription',
            amount: PLAN_MINOR,
            currency: 'usd',
            client_reference_id: (body.clickId as string | null) ?? undefined,
            customer_email: 'subscriber@example.com',
          });
          invoices.push(sale.invoice);
          charges.push(sale.charge);
          return { subscription: sale.subscription };
        },
      });
      await gql(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
        input: {
          name: 'Pro Members',
          slug: 'pro-members',
          destinationUrl: `${store.origin}/pricing`,
          currency: 'USD',
          commission: { type: 'PERCENTAGE', rateBps: 2000, duration: 'MONTHS', durationMonths: 12 },
        },
      });
      const connected = await gql<{ connectDemoStripeSales: { status: string; accountId: string } }>(
        `mutation { connectDemoStripeSales { status accountId } }`,
      );
      expect(connected.connectDemoStripeSales.status).toBe('CONNECTED');
      account = connected.connectDemoStripeSales.accountId;
      shareUrl = await join(s.system, gql, 'pro-members', nora);
    });

    it('the shopper follows the share link in Chromium, lands on the pricing page and subscribes: the first month is the affiliate’s', async () => {
      const shopper = await launchShopper();
      shopperBrowser = shopper.browser;
      const page = shopper.page;
      await page.goto(shareUrl);
      await page.locator('#attribution').filter({ hasText: 'clickId' }).waitFor();
      const landed = new URL(page.url());
      expect(landed.origin + landed.pathname).toBe(`${store!.origin}/pricing`);
      const clickId = landed.searchParams.get('sorae_click');
      expect(JSON.parse((await page.locator('#attribution').textContent())!).clickId).toBe(clickId);

      // Stripe's times are whole seconds: a payment in the click's own second would be dated before the click.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.locator('#subscribed').filter({ hasText: 'sub_' }).waitFor();
      expect(await page.locator('#subscribed').textContent()).toBe(`Subscribed: ${sale!.subscription}`);

      // Stripe's events reach Sorae's endpoint in the background, signed for this merchant.
      await expect
        .poll(commissions, { timeout: 15_000, interval: 250 })
        .toEqual([
          expect.objectContaining({ sequence: 1, subscriptionId: sale!.subscription, amountMinor: COMMISSION_MINOR, conversion: { orderId: invoices[0] } }),
        ]);
    });

    it('Stripe bills two renewals, then refunds half of the second month’s charge', async () => {
      for (let month = 2; month <= 3; month++) {
        const renewal = await emulator<{ invoice: string; charge: string }>(`/_emulator/sales/subscriptions/${sale!.subscription}/renew`);
        invoices.push(renewal.invoice);
        charges.push(renewal.charge);
        await expect.poll(async () => (await commissions()).length, { timeout: 15_000, interval: 250 }).toBe(month);
      }
      await emulator(`/_emulator/sales/charges/${charges[1]}/refund`, { amount: REFUND_MINOR });
      await expect
        .poll(async () => (await commissions()).find((c) => c.sequence === 2)?.amountMinor, { timeout: 15_000, interval: 250 })
        .toBe(COMMISSION_MINOR - COMMISSION_MINOR / 2);
      const chain = await commissions();
      expect(chain.map((c) => [c.sequence, c.conversion.orderId, c.status, c.amountMinor, c.adjustments.map((a) => a.kind)])).toEqual([
        [3, invoices[2], 'PENDING', COMMISSION_MINOR, []],
        [2, invoices[1], 'PENDING', COMMISSION_MINOR / 2, ['REFUND']],
        [1, invoices[0], 'PENDING', COMMISSION_MINOR, []],
      ]);
    });

    it('the affiliate signs in to the portal: months 1, 2 and 3 of 12, and the second lowered by its refund', async () => {
      const page = await s.newPage();
      await signInToPortal(page, nora);
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      const rows = page.getByTestId('my-commissions-row');
      await rows.first().waitFor();
      expect(await page.getByTestId('my-commission-month').allTextContents()).toEqual(['Month 3 of 12', 'Month 2 of 12', 'Month 1 of 12']);

      const full = await moneyInBrowser(page, COMMISSION_MINOR);
      const half = await moneyInBrowser(page, COMMISSION_MINOR / 2);
      const amounts = (await rows.getByTestId('my-commission-amount').allTextContents()).map((t) => t.trim());
      expect(amounts).toEqual([full, `${full} ${half}`, full]);

      const second = rows.filter({ hasText: invoices[1]! });
      await second.getByTestId('my-commission-why').click();
      const history = page.getByTestId('my-commission-history');
      await history.waitFor();
      expect(await history.getByTestId('my-commission-adjustment').allTextContents()).toEqual([expect.stringContaining('Lowered after a refund')]);
      expect(await history.textContent()).toContain(`Now ${half}`);
      await s.shot(page, 'three months and the refund of the second');
    });

    it('the operator opens the second month and follows it to the subscription’s chain of three', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.goto('/admin/commissions');
      const second = page.getByTestId('commissions-row').filter({ hasText: invoices[1]! });
      await second.waitFor();
      expect(await second.getByTestId('commission-month').textContent()).toBe('Month 2 of 12');
      await second.getByTestId('commission-toggle').click();
      const details = page.getByTestId('commission-details');
      await details.waitFor();
      expect(await details.getByTestId('adjustment').textContent()).toContain('after a refund');
      expect(await details.getByTestId('commission-subscription').textContent()).toContain(`Month 2 of 12 of subscription ${sale!.subscription}`);
      await details.getByTestId('commission-subscription-chain').click();
      await page.getByTestId('filter-subscription').waitFor();
      await expect
        .poll(() => page.getByTestId('commission-month').allTextContents(), { timeout: 10_000 })
        .toEqual(['Month 3 of 12', 'Month 2 of 12', 'Month 1 of 12']);
      await s.shot(page, 'the subscription chain');
    });
  },
);
