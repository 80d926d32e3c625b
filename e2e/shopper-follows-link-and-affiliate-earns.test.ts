import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { signInToPortal } from './support/portal.js';
import { confirmFromOutbox } from './support/applicants.js';
import { attributionScript, launchShopper, startStore, type Store } from './support/store.js';

const ORDER = { id: 'order-1001', amountMinor: 12_000, currency: 'EUR' };
/** 10% of €120.00. */
const COMMISSION_MAJOR = 12;

const zoe = { name: 'Zoe Park', email: 'zoe@creators.example', password: 'zoe-portal-password' };

/** The store's landing page: loads sorae.js from Sorae and shows what the checkout would send. */
const storePage = (base: string) => `<!doctype html>
<html><head><title>Example store</title><script src="${base}/sorae.js"></script></head>
<body><h1>Example store</h1><pre id="attribution">waiting</pre>
${attributionScript}
</body></html>`;

/** What an amount looks like in the browser's locale (the apps format money with Intl). */
const moneyInBrowser = (page: Page, major: number, currency: string) =>
  page.evaluate(([m, c]) => new Intl.NumberFormat(undefined, { style: 'currency', currency: c }).format(m), [major, currency] as const);

describeScenario(
  'a shopper follows an affiliate’s link, the store reports the order through the webhook, the affiliate sees the pending commission in the portal and the operator sees why it was attributed',
  () => {
    const s = useScenario('shopper-follows-link-and-affiliate-earns');
    let store: Store | undefined;
    let storeOrigin = '';
    let shopperBrowser: Browser | undefined;
    afterAll(async () => {
      await shopperBrowser?.close().catch(() => undefined);
      await store?.close();
    });
    let owner: Record<string, string> = {};
    let affiliateId = '';
    let shareUrl = '';
    const webhook = { url: '', merchantId: '', secret: '' };
    let attribution: { clickId: string; visitorId: string } = { clickId: '', visitorId: '' };
    let firstClickId = '';

    const gql = async <T>(query: string, variables: Record<string, unknown> = {}, headers = owner) => {
      const res = await s.system.graphql<T>(query, variables, headers);
      expect(res.errors).toBeUndefined();
      return res.data!;
    };

    it('the merchant has a campaign and an approved affiliate with a share link', async () => {
      const signIn = await gql<{ signIn: { token: string } }>(
        `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
        s.system.admin,
        {},
      );
      owner = { authorization: `Bearer ${signIn.signIn.token}` };
      store = await startStore(() => storePage(s.system.baseUrl));
      storeOrigin = store.origin;
      await gql(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
        input: {
          name: 'Spring Sale',
          slug: 'spring',
          destinationUrl: `${storeOrigin}/landing`,
          currency: 'EUR',
          commission: { type: 'PERCENTAGE', rateBps: 1000 },
        },
      });
      const applied = await gql<{ submitApplication: { id: string } }>(
        `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
        { input: { campaignSlug: 'spring', ...zoe, answers: [] } },
        {},
      );
      await confirmFromOutbox(s.system, zoe.email);
      const reviewed = await gql<{ reviewApplications: { approvedCount: number; results: { enrollment: { shareUrl: string } | null }[] } }>(
        `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount results { enrollment { shareUrl } } } }`,
        { input: { ids: [applied.submitApplication.id], decision: 'APPROVE' } },
      );
      expect(reviewed.reviewApplications.approvedCount).toBe(1);
      shareUrl = reviewed.reviewApplications.results[0]!.enrollment!.shareUrl;
      expect(shareUrl).toMatch(/\/r\/[^/]+$/);
      const affiliates = await gql<{ affiliates: { edges: { node: { id: string; email: string } }[] } }>(
        `{ affiliates(first: 10) { edges { node { id email } } } }`,
      );
      affiliateId = affiliates.affiliates.edges.find((e) => e.node.email === zoe.email)!.node.id;
    });

    it('the operator rotates the order-webhook secret in Settings → Integrations and copies it once', async () => {
      const page = await s.newPage();
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.system.baseUrl });
      await signInToAdmin(page, s.system.admin);
      await page.getByTestId('nav-settings').click();
      await page.getByRole('heading', { name: 'Integrations' }).waitFor();
      await s.shot(page, 'integrations');

      // What the page tells the store's developer: where to post, and which merchant to name.
      webhook.url = await page.getByTestId('webhook-url-value').inputValue();
      expect(webhook.url).toBe(`${s.system.baseUrl}/webhooks/orders`);
      webhook.merchantId = await page.getByTestId('webhook-merchant-id-value').inputValue();
      expect(await page.getByTestId('webhook-headers').textContent()).toContain('Sorae-Signature');
      expect(await page.getByTestId('sorae-js-snippet-value').inputValue()).toBe(`<script src="${s.system.baseUrl}/sorae.js" async></script>`);

      await page.getByTestId('rotate-webhook-secret').click();
      await page.getByTestId('rotate-dialog').waitFor();
      await page.getByTestId('rotate-dialog-confirm').click();
      const shown = page.getByTestId('webhook-secret');
      await shown.waitFor();
      expect(await shown.textContent()).toContain('will not be shown again');
      webhook.secret = await page.getByTestId('webhook-secret-field-value').inputValue();
      expect(webhook.secret.length).toBeGreaterThanOrEqual(16);
      await page.getByTestId('webhook-secret-field-copy').click();
      await shown.getByText('Copied', { exact: true }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(webhook.secret);
      await s.shot(page, 'new webhook secret shown once');

      // Shown once: after "I have stored it" it is gone from the page for good.
      await page.getByTestId('webhook-secret-done').click();
      expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    });

    it('a shopper follows the link twice, lands on the store, and sorae.js hands the checkout the click and visitor ids', async () => {
      const shopper = await launchShopper();
      shopperBrowser = shopper.browser;
      const page = shopper.page;

      // An earlier visit from a newsletter, then the visit that ends in an order.
      await page.goto(`${shareUrl}?utm_source=newsletter&utm_medium=email`);
      await page.locator('#attribution').filter({ hasText: 'clickId' }).waitFor();
      firstClickId = new URL(page.url()).searchParams.get('sorae_click') ?? '';
      await page.goto(shareUrl);
      await page.locator('#attribution').filter({ hasText: 'clickId' }).waitFor();

      const landed = new URL(page.url());
      expect(landed.origin + landed.pathname).toBe(`${storeOrigin}/landing`);
      attribution = JSON.parse((await page.locator('#attribution').textContent()) ?? '{}');
      expect(attribution.clickId).toBe(landed.searchParams.get('sorae_click'));
      expect(attribution.visitorId).toBe(landed.searchParams.get('sorae_vid'));
      expect(attribution.clickId).not.toBe(firstClickId);
      await s.shot(page, 'store landing with attribution');

      // Clicks are written in batches: wait until both are stored before the order arrives.
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
        .toBe(2);
    });

    it('the store reports the order through the signed webhook, and it is attributed to the affiliate', async () => {
      const body = JSON.stringify({
        id: 'evt-order-1001',
        type: 'order.created',
        order: { ...ORDER, occurredAt: new Date().toISOString(), clickId: attribution.clickId, visitorId: attribution.visitorId },
      });
      const t = Math.floor(Date.now() / 1000);
      const v1 = createHmac('sha256', webhook.secret).update(`${t}.${body}`).digest('hex');
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sorae-signature': `t=${t},v1=${v1}`, 'sorae-merchant': webhook.merchantId },
        body,
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { conversion: { channel: string; commissionId: string | null } };
      expect(answer.conversion.channel).toBe('AFFILIATE');
      expect(answer.conversion.commissionId).toBeTruthy();
    });

    it('the affiliate signs in to the portal and sees the pending commission', async () => {
      const page = await s.newPage();
      await signInToPortal(page, zoe);
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

      const commission = await moneyInBrowser(page, COMMISSION_MAJOR, 'EUR');
      expect(await page.getByTestId('dashboard-share-url').inputValue()).toBe(shareUrl);
      expect(await page.getByTestId('stat-clicks').textContent()).toBe('2');
      expect(await page.getByTestId('stat-conversions').textContent()).toBe('1');
      expect(await page.getByTestId('stat-pending').textContent()).toBe(commission);
      expect(await page.getByTestId('stat-finalized').textContent()).toBe(await moneyInBrowser(page, 0, 'EUR'));

      const row = page.getByTestId('my-commissions-row');
      await row.first().waitFor();
      expect(await row.count()).toBe(1);
      expect((await row.getByTestId('my-commission-amount').textContent())?.trim()).toBe(commission);
      expect(await row.getByTestId('commission-status').getAttribute('data-status')).toBe('PENDING');
      expect(await row.textContent()).toContain(ORDER.id);

      // Why the order is theirs: their own click won, by the last-touch rule.
      await row.getByTestId('my-commission-why').click();
      const why = page.getByTestId('my-commissions-details');
      await why.waitFor();
      expect(await why.getByTestId('attribution-winner').textContent()).toContain('your link');
      expect(await why.getByTestId('attribution-rule').getAttribute('data-rule')).toBe('LAST_TOUCH');
      await s.shot(page, 'affiliate dashboard with pending commission');
    });

    it('the operator opens Commissions and sees why the order was attributed: every touch, the winning click and the rule', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.getByTestId('nav-commissions').click();
      await page.getByRole('heading', { name: 'Commissions', level: 1 }).waitFor();
      const row = page.getByTestId('commissions-row');
      await row.first().waitFor();
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toContain(zoe.name);
      expect(await row.textContent()).toContain(ORDER.id);
      expect(await row.getByTestId('commission-status').getAttribute('data-status')).toBe('PENDING');

      await row.getByTestId('commission-toggle').click();
      const details = page.getByTestId('commissions-details');
      await details.waitFor();
      const winner = details.getByTestId('attribution-winner');
      // A person reads 'A click on Zoe's link' and its time; the click id is there for support, on hover.
      expect(await winner.getByTestId('touch-click').getAttribute('title')).toBe(`Click id ${attribution.clickId}`);
      expect(await winner.textContent()).not.toContain(attribution.clickId);
      // The name arrives with its own query: "another affiliate" stands in until it does.
      await winner.getByText(`${zoe.name}'s link`).waitFor();
      expect(await details.getByTestId('attribution-rule').getAttribute('data-rule')).toBe('LAST_TOUCH');
      expect(await details.getByTestId('attribution-rule').textContent()).toContain('the latest wins');

      // Both visits were considered: the order's click won; the newsletter click was kept but earlier.
      const touches = details.getByTestId('attribution-touch');
      expect(await touches.count()).toBe(2);
      const byClick = (id: string) => touches.filter({ has: page.locator(`[title="Click id ${id}"]`) });
      const won = byClick(attribution.clickId);
      expect(await won.getAttribute('data-reason')).toBe('WON');
      const earlier = byClick(firstClickId);
      expect(await earlier.getAttribute('data-reason')).toBe('EARLIER_THAN_WINNER');
      expect(await earlier.textContent()).toContain('a later touch won');
      expect(await details.getByTestId('adjustment-history').textContent()).toContain(await moneyInBrowser(page, COMMISSION_MAJOR, 'EUR'));
      await s.shot(page, 'operator sees why it was attributed');

      // The affiliate's page shows the same traffic and pending amount.
      await page.getByTestId('nav-affiliates').click();
      const affiliateRow = page.getByTestId('affiliates-row').filter({ hasText: zoe.email });
      await affiliateRow.waitFor();
      expect(await affiliateRow.getByTestId('affiliate-pending').textContent()).toBe(await moneyInBrowser(page, COMMISSION_MAJOR, 'EUR'));
      await affiliateRow.getByTestId('affiliate-link').click();
      await page.getByTestId('affiliate-clicks-row').first().waitFor();
      expect(await page.getByTestId('affiliate-clicks-row').count()).toBe(2);
      expect(await page.getByTestId('affiliate-clicks').textContent()).toContain('source: newsletter');
      await s.shot(page, 'affiliate detail');
    });

    it('the operator finalizes the commission now and sees the count', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.goto('/admin/commissions?status=PENDING');
      const row = page.getByTestId('commissions-row');
      await row.first().waitFor();
      await row.getByTestId('commissions-select').check();
      await page.getByTestId('finalize-selected').click();
      await page.getByTestId('finalize-dialog').waitFor();
      await page.getByTestId('finalize-confirm').click();
      const result = page.getByTestId('finalize-result');
      await result.waitFor();
      expect(await result.getAttribute('data-count')).toBe('1');
      await s.shot(page, 'finalized');
      await page.getByTestId('finalize-done').click();
      await page.getByTestId('commissions-empty').waitFor();

      await page.getByTestId('filter-status').selectOption('FINALIZED');
      await row.first().waitFor();
      expect(await row.getByTestId('commission-status').getAttribute('data-status')).toBe('FINALIZED');
    });
  },
);
