import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { signInToPortal } from './support/portal.js';
import { confirmFromOutbox } from './support/applicants.js';

const rio = { name: 'Rio Santoso', email: 'rio@creators.example', password: 'rio-portal-password' };
/** Two IDR orders at this flat commission make 2^31 minor units: past GraphQL Int. */
const IDR_COMMISSION = 2 ** 30;
const USD_COMMISSION = 500;
/** A browser's user agent: a click from Node's default one is logged as a bot's and never wins. */
const SHOPPER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** What an amount of minor units looks like in the browser's locale (the apps format money with Intl). */
const moneyInBrowser = (page: Page, minor: number, currency: string) =>
  page.evaluate(
    ([m, c]) => {
      const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: c });
      return format.format(m / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
    },
    [minor, currency] as const,
  );

describeScenario('an affiliate earning in two currencies sees each apart in the portal, and the operator sees them apart in the affiliates list', () => {
  const s = useScenario('affiliate-sees-earnings-per-currency');
  let owner: Record<string, string> = {};

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, headers = owner) => {
    const res = await s.system.graphql<T>(query, variables, headers);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };

  /**
   * A shopper follows the share link and the store records the order with the landing's click
   * and visitor ids, once the click log has stored the click (it writes in batches).
   */
  let clicks = 0;
  const orderThrough = async (shareUrl: string, orderId: string, currency: string) => {
    const res = await fetch(shareUrl, { redirect: 'manual', headers: { 'user-agent': SHOPPER_UA } });
    expect(res.status).toBe(302);
    const landing = new URL(res.headers.get('location')!).searchParams;
    clicks += 1;
    await expect
      .poll(
        async () => {
          const d = await gql<{ affiliates: { edges: { node: { email: string; stats: { clicks: number } } }[] } }>(
            `{ affiliates(first: 10) { edges { node { email stats { clicks } } } } }`,
          );
          return d.affiliates.edges.find((e) => e.node.email === rio.email)?.node.stats.clicks;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(clicks);
    const recorded = await gql<{ recordOrder: { conversion: { channel: string } } }>(
      `mutation ($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { channel } } }`,
      {
        input: {
          id: orderId,
          amountMinor: 2_000_000_000,
          currency,
          occurredAt: new Date().toISOString(),
          clickId: landing.get('sorae_click'),
          visitorId: landing.get('sorae_vid'),
        },
      },
    );
    expect(recorded.recordOrder.conversion.channel).toBe('AFFILIATE');
  };

  it('the affiliate joins a USD and an IDR campaign and earns in both, 2^31 minor units in IDR', async () => {
    const signIn = await gql<{ signIn: { token: string } }>(
      `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
      s.system.admin,
      {},
    );
    owner = { authorization: `Bearer ${signIn.signIn.token}` };
    const shareUrls: Record<string, string> = {};
    for (const [slug, currency, amountMinor] of [
      ['global', 'USD', USD_COMMISSION],
      ['jakarta', 'IDR', IDR_COMMISSION],
    ] as const) {
      await gql(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
        input: { name: `${currency} program`, slug, destinationUrl: 'https://shop.example/', currency, commission: { type: 'FLAT', amountMinor } },
      });
      const applied = await gql<{ submitApplication: { id: string } }>(
        `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
        { input: { campaignSlug: slug, ...rio, answers: [] } },
        {},
      );
      await confirmFromOutbox(s.system, rio.email, rio.password);
      const reviewed = await gql<{ reviewApplications: { results: { enrollment: { shareUrl: string } | null }[] } }>(
        `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareUrl } } } }`,
        { input: { ids: [applied.submitApplication.id], decision: 'APPROVE' } },
      );
      shareUrls[currency] = reviewed.reviewApplications.results[0]!.enrollment!.shareUrl;
    }
    await orderThrough(shareUrls.USD!, 'us-1', 'USD');
    await orderThrough(shareUrls.IDR!, 'id-1', 'IDR');
    await orderThrough(shareUrls.IDR!, 'id-2', 'IDR');
  });

  it('the affiliate sees pending commission per currency in the portal, never added together', async () => {
    const page = await s.newPage();
    await signInToPortal(page, rio);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

    const pending = page.getByTestId('stat-pending');
    expect(await pending.getByTestId('stat-pending-USD').textContent()).toBe(await moneyInBrowser(page, USD_COMMISSION, 'USD'));
    expect(await pending.getByTestId('stat-pending-IDR').textContent()).toBe(await moneyInBrowser(page, 2 * IDR_COMMISSION, 'IDR'));
    expect(await pending.locator('[data-testid^="stat-pending-"]').count()).toBe(2);
    expect(await page.getByTestId('stat-finalized-IDR').textContent()).toBe(await moneyInBrowser(page, 0, 'IDR'));
    expect(await page.getByTestId('stat-conversions').textContent()).toBe('3');
    await s.shot(page, 'portal dashboard in two currencies');
  });

  it('the operator sees the same two amounts apart in the affiliates list and on the affiliate page', async () => {
    const page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.getByTestId('nav-affiliates').click();
    const row = page.getByTestId('affiliates-row').filter({ hasText: rio.email });
    await row.waitFor();
    const pending = row.getByTestId('affiliate-pending');
    expect(await pending.getByTestId('affiliate-pending-USD').textContent()).toBe(await moneyInBrowser(page, USD_COMMISSION, 'USD'));
    expect(await pending.getByTestId('affiliate-pending-IDR').textContent()).toBe(await moneyInBrowser(page, 2 * IDR_COMMISSION, 'IDR'));
    await s.shot(page, 'affiliates list in two currencies');

    await row.getByTestId('affiliate-link').click();
    await page.getByTestId('stat-pending').waitFor();
    expect(await page.getByTestId('stat-pending-IDR').textContent()).toBe(await moneyInBrowser(page, 2 * IDR_COMMISSION, 'IDR'));
    expect(await page.getByTestId('stat-pending-USD').textContent()).toBe(await moneyInBrowser(page, USD_COMMISSION, 'USD'));
  });
});
