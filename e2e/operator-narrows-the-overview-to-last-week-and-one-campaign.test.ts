import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { flatCampaign, followLink, type Gql, join, ownerClient, pastClick, recordOrder } from './support/program.js';
import { moneyInBrowser, shootDeskAndPhone, watchComplaints } from './support/page-checks.js';
import { describeScenario, useScenario } from './support/scenario.js';

const ava = { name: 'Ava Moreno', email: 'ava@creators.example', password: 'ava-portal-password' };
const DAY = 86_400_000;

const kpi = (page: Page, id: string) => page.getByTestId(id).textContent();
/** How long a page may take to show a new answer (a loaded CI machine answers slowly). */
const UI = { timeout: 15_000, interval: 200 };

describeScenario('the operator opens the overview and narrows it to last week and one campaign', () => {
  const s = useScenario('operator-narrows-the-overview-to-last-week-and-one-campaign');
  let gql: Gql;
  let trailId = '';

  it('Ava sells for two campaigns this week; one of Trail’s orders came three weeks ago', async () => {
    gql = await ownerClient(s.system);
    trailId = await flatCampaign(gql, 'Trail', 'trail', 'USD', 500);
    await flatCampaign(gql, 'Studio', 'studio', 'USD', 300);
    const trail = await join(s.system, gql, 'trail', ava);
    const studio = await join(s.system, gql, 'studio', ava);

    // Trail this week: three clicks, two orders of $100. Studio: two clicks, one order of $60.
    const trailClicks = [await followLink(trail), await followLink(trail), await followLink(trail)];
    const studioClicks = [await followLink(studio), await followLink(studio)];
    const now = new Date(); // after the clicks: a click later than its order never wins
    await recordOrder(gql, trailClicks[0]!, { id: 'trail-1', amountMinor: 10_000, currency: 'USD', occurredAt: now });
    await recordOrder(gql, trailClicks[1]!, { id: 'trail-2', amountMinor: 10_000, currency: 'USD', occurredAt: now });
    await recordOrder(gql, studioClicks[0]!, { id: 'studio-1', amountMinor: 6_000, currency: 'USD', occurredAt: now });
    // Trail three weeks ago: one click and its $80 order, outside "last 7 days".
    const past = new Date(now.getTime() - 20 * DAY);
    await recordOrder(gql, await pastClick(s.system, trail, past), {
      id: 'trail-old',
      amountMinor: 8_000,
      currency: 'USD',
      occurredAt: new Date(past.getTime() + 3_600_000),
    });

    // Figures are fresh within a minute of the event: wait until the week's are in.
    const week = { from: new Date(now.getTime() - 6 * DAY).toISOString().slice(0, 10), to: new Date(now.getTime() + DAY).toISOString().slice(0, 10) };
    await expect
      .poll(
        async () => {
          const d = await gql<{ analytics: { totals: { clicks: number; conversions: number } } }>(
            `query ($input: AnalyticsInput!) { analytics(input: $input) { totals { clicks conversions } } }`,
            { input: { from: `${week.from}T00:00:00Z`, to: `${week.to}T00:00:00Z` } },
          );
          return d.analytics.totals;
        },
        { timeout: 75_000, interval: 1_000 },
      )
      .toEqual({ clicks: 5, conversions: 3 });

    // Trail's three commissions are finalized now: the next payout (the 1st, for this month) will take them.
    const trailCommissions = await gql<{ commissions: { edges: { node: { id: string } }[] } }>(
      `query ($c: ID) { commissions(filter: { campaignId: $c }) { edges { node { id } } } }`,
      { c: trailId },
    );
    const ids = trailCommissions.commissions.edges.map((e) => e.node.id);
    expect(ids).toHaveLength(3);
    await gql(`mutation ($ids: [ID!]) { finalizeCommissions(input: { ids: $ids }) { finalizedCount } }`, { ids });
  });

  it('she lands on the overview, picks "Last 7 days" and Trail, and reads Trail’s week; the link in the address bar shows the same', async () => {
    const page = await s.newPage();
    const complaints = await watchComplaints(page);
    await signInToAdmin(page, s.system.admin);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/overview');

    // The last 30 days of every campaign: the order three weeks ago counts.
    await page.getByTestId('kpi-conversions').waitFor();
    await expect.poll(() => kpi(page, 'kpi-conversions'), UI).toBe('4');

    // The next payout says what it will pay: Trail's $15 waits for Ava's Stripe account; Studio has nothing finalized.
    // (On the 1st the payout is today's, for last month: it takes nothing finalized today.)
    const amounts = page.getByTestId('next-payout-amount');
    await expect.poll(() => amounts.count(), UI).toBe(2);
    if (new Date().getUTCDate() !== 1) {
      expect(await amounts.filter({ hasText: 'Trail' }).textContent()).toBe(
        `Trail: ${await moneyInBrowser(page, 0)} to 0 affiliates (${await moneyInBrowser(page, 1_500)} waits until 1 affiliate connects Stripe).`,
      );
    }
    expect(await amounts.filter({ hasText: 'Studio' }).textContent()).toBe('Studio: nothing finalized to pay yet.');

    await page.getByTestId('range-preset').selectOption('last-7-days');
    await expect.poll(() => kpi(page, 'kpi-conversions'), UI).toBe('3');
    expect(await kpi(page, 'kpi-clicks')).toBe('5');
    expect(await kpi(page, 'kpi-revenue')).toBe(await moneyInBrowser(page, 26_000));
    expect(await kpi(page, 'kpi-commission')).toBe(await moneyInBrowser(page, 1_300));

    await page.getByTestId('overview-campaign').selectOption({ label: 'Trail' });
    await expect.poll(() => kpi(page, 'kpi-conversions'), UI).toBe('2');
    expect(await kpi(page, 'kpi-clicks')).toBe('3');
    expect(await kpi(page, 'kpi-revenue')).toBe(await moneyInBrowser(page, 20_000));
    expect(await kpi(page, 'kpi-commission')).toBe(await moneyInBrowser(page, 1_000));
    expect(await kpi(page, 'kpi-conversion-rate')).toBe(
      await page.evaluate(() => new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(2 / 3)),
    );
    expect(await kpi(page, 'kpi-epc')).toBe(await moneyInBrowser(page, 1_000 / 3));
    // The week before had nothing of Trail's: no percentage to show.
    expect(await page.getByTestId('kpi-conversions').locator('xpath=following-sibling::dd').textContent()).toMatch(/previous 7 days/);
    expect(await page.getByTestId('top-affiliates-row').count()).toBe(1);
    expect(await page.getByTestId('top-affiliate-conversions').textContent()).toBe('2');

    // The chart is an image with its figures in words, and a table on request: today has Trail's three clicks.
    const chart = page.getByTestId('analytics-chart-card');
    expect(await chart.getByRole('img').getAttribute('aria-label')).toMatch(/^Clicks per day, .+: total 3; highest 3 /);
    await chart.getByRole('button', { name: 'Show as table' }).click();
    const rows = chart.getByTestId('analytics-chart-row');
    expect(await rows.count()).toBe(7);
    expect(await rows.last().locator('td').last().textContent()).toBe('3');
    await chart.getByTestId('analytics-chart-metric-revenueMinor').check();
    expect(await rows.last().locator('td').last().textContent()).toBe(await moneyInBrowser(page, 20_000));
    await chart.getByRole('button', { name: 'Show as chart' }).click();

    const shared = new URL(page.url());
    expect(shared.searchParams.get('range')).toBe('last-7-days');
    expect(shared.searchParams.get('campaign')).toBe(trailId);

    await shootDeskAndPhone(s, page, 'overview', () => page.getByTestId('analytics-chart-plot').locator('canvas').waitFor());

    const colleague = await s.newPage();
    await signInToAdmin(colleague, s.system.admin);
    await colleague.goto(`${shared.pathname}${shared.search}`);
    await expect.poll(() => kpi(colleague, 'kpi-conversions'), UI).toBe('2');
    expect(await colleague.getByTestId('range-preset').inputValue()).toBe('last-7-days');
    expect(await colleague.getByTestId('overview-campaign').inputValue()).toBe(trailId);
    expect(complaints).toEqual([]);
  });

  it("Trail's own page has the same chart, narrowed to Trail", async () => {
    const page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.goto(`/admin/campaigns/${trailId}?range=last-30-days`);
    const chart = page.getByTestId('analytics-chart-card');
    await chart.getByTestId('analytics-chart-metric-conversions').check();
    await expect.poll(async () => chart.getByRole('img').getAttribute('aria-label'), UI).toMatch(/^Conversions per day, .+: total 3; /);
  });
});
