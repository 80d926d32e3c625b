import { beforeAll, expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { campaignWithAffiliate, ownerHeaders } from './support/applicants.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { freePort } from '../scripts/free-port.mjs';

const SHOPPER_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const mia = { name: 'Mia Stone', email: 'mia@creators.example', password: 'mia-portal-password' };

describeScenario(
  'the owner connects the demo sales account in Settings → Integrations → Stripe; a Stripe Checkout carrying an affiliate’s click shows up as her commission',
  () => {
    // The built-in emulator on a port this test knows, so it can play the shopper's checkout (/_emulator/sales/checkout).
    const env: Record<string, string> = {};
    beforeAll(async () => {
      env.STRIPE_EMULATOR_PORT = String(await freePort());
    });
    const s = useScenario('owner-connects-stripe-sales-and-a-checkout-earns', { env });
    const emulator = () => `http://127.0.0.1:${env.STRIPE_EMULATOR_PORT}`;
    let owner: Record<string, string> = {};
    let shareUrl = '';
    let account = '';

    const gql = async <T>(query: string, variables: Record<string, unknown> = {}, headers = owner) => {
      const res = await s.system.graphql<T>(query, variables, headers);
      expect(res.errors).toBeUndefined();
      return res.data!;
    };

    it('the merchant has a campaign and an approved affiliate with a share link', async () => {
      owner = await ownerHeaders(s.system);
      shareUrl = await campaignWithAffiliate(
        s.system,
        owner,
        { name: 'Pro Plan', slug: 'pro', destinationUrl: 'https://shop.example/pricing', currency: 'USD', commission: { type: 'PERCENTAGE', rateBps: 2000 } },
        mia,
      );
    });

    it('the owner connects the demo sales account: the page shows it connected, with its account', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.getByTestId('nav-settings').click();
      await page.getByRole('heading', { name: 'Stripe' }).waitFor();
      expect(await page.getByTestId('stripe-sales-status').textContent()).toContain('Not connected');
      await page.getByTestId('stripe-sales-connect-demo').click();
      await page.getByTestId('stripe-sales-account').waitFor();
      account = (await page.getByTestId('stripe-sales-account').textContent())!.trim();
      expect(account).toMatch(/^acct_/);
      expect(await page.getByTestId('stripe-sales-status').textContent()).toContain('Connected');
      expect(await page.getByTestId('stripe-sales-last-event').textContent()).toBe('never');
      await s.shot(page, 'stripe sales connected');
    });

    it('the campaign form refuses a coupon the connected account lacks, naming it; one made in Stripe is taken', async () => {
      const { campaigns } = await gql<{ campaigns: { edges: { node: { id: string } }[] } }>(`{ campaigns(first: 1) { edges { node { id } } } }`);
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.goto(`/admin/campaigns/${campaigns.edges[0]!.node.id}`);
      await page.getByTestId('campaign-form').waitFor();
      await page.getByLabel('Stripe coupon').fill('PRO15');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('alert').filter({ hasText: `has no coupon "PRO15"` }).waitFor();
      await s.shot(page, 'missing coupon refused');

      // The owner makes it in the Stripe account (the emulator's, through the SDK's wire format): the same save is taken.
      const key = await fetch(`${emulator()}/_emulator/accounts/${account}/keys`, { method: 'POST', body: JSON.stringify({}) });
      const { secret_key } = (await key.json()) as { secret_key: string };
      const made = await fetch(`${emulator()}/v1/coupons`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret_key}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'id=PRO15&percent_off=15&duration=forever',
      });
      expect(made.status).toBe(200);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByTestId('campaign-notice').waitFor();
      expect(await page.getByRole('alert').filter({ hasText: 'PRO15' }).count()).toBe(0);
    });

    it('a coupon deleted in Stripe shows in Settings as missing, with what waits for it', async () => {
      const key = await fetch(`${emulator()}/_emulator/accounts/${account}/keys`, { method: 'POST', body: JSON.stringify({}) });
      const { secret_key } = (await key.json()) as { secret_key: string };
      const deleted = await fetch(`${emulator()}/v1/coupons/PRO15`, { method: 'DELETE', headers: { authorization: `Bearer ${secret_key}` } });
      expect(deleted.status).toBe(200);
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.getByTestId('nav-settings').click();
      const missing = page.getByTestId('stripe-sales-missing-coupons');
      await missing.waitFor();
      expect(await missing.textContent()).toContain('no coupon "PRO15"');
      expect(await missing.textContent()).toContain('Pro Plan');
      await s.shot(page, 'missing coupon listed in settings');
    });

    it('a shopper follows the link and pays through Stripe Checkout with the click; the owner sees the commission', async () => {
      const landing = await fetch(shareUrl, { redirect: 'manual', headers: { 'user-agent': SHOPPER_UA } });
      expect(landing.status).toBe(302);
      const clickId = new URL(landing.headers.get('location')!).searchParams.get('sorae_click')!;
      expect(clickId).toBeTruthy();
      // Stripe's times are whole seconds: a payment in the click's own second would be dated before the click.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const res = await fetch(`${emulator()}/_emulator/sales/checkout`, {
        method: 'POST',
        body: JSON.stringify({ account, mode: 'payment', amount: 4_900, currency: 'usd', client_reference_id: clickId, customer_email: 'buyer@example.com' }),
      });
      expect(res.status).toBe(200);
      const sale = (await res.json()) as { session: string };

      // The event reaches the server in the background: the commission is there within seconds.
      const orders = async () => {
        const data = await gql<{ commissions: { edges: { node: { conversion: { orderId: string } } }[] } }>(
          `{ commissions(first: 10) { edges { node { conversion { orderId } } } } }`,
        );
        return data.commissions.edges.map((e) => e.node.conversion.orderId);
      };
      await expect.poll(orders, { timeout: 15_000, interval: 250 }).toEqual([sale.session]);
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.getByTestId('nav-commissions').click();
      await page.getByText(sale.session).waitFor();
      const amount = await page.getByTestId('commission-amount').first().textContent();
      expect(amount).toContain('9.80');
      await s.shot(page, 'commission from the stripe checkout');
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('stripe-sales-account').waitFor();
      expect(await page.getByTestId('stripe-sales-last-event').textContent()).not.toBe('never');
    });
  },
);
