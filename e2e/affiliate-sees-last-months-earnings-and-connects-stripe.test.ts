import { expect, it } from 'vitest';
import { flatCampaign, followLink, type Gql, join, ownerClient, pastClick, recordOrder } from './support/program.js';
import { signInToPortal } from './support/portal.js';
import { moneyInBrowser, shootDeskAndPhone } from './support/page-checks.js';
import { describeScenario, useScenario } from './support/scenario.js';

const ava = { name: 'Ava Moreno', email: 'ava@creators.example', password: 'ava-portal-password' };

/** The 10th of last month at noon, UTC: a day "Last month" always covers. */
function midLastMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 10, 12));
}

describeScenario('the affiliate sees last month’s earnings on the chart and connects Stripe from the prompt', () => {
  const s = useScenario('affiliate-sees-last-months-earnings-and-connects-stripe');
  let gql: Gql;
  const sale = midLastMonth(new Date());

  it('Ava earned $7.50 last month, finalized since, and $7.50 today, still pending; she has no Stripe account', async () => {
    gql = await ownerClient(s.system);
    await flatCampaign(gql, 'Trail', 'trail', 'USD', 750);
    const trail = await join(s.system, gql, 'trail', ava);
    await recordOrder(gql, await pastClick(s.system, trail, new Date(sale.getTime() - 3_600_000)), {
      id: 'last-month',
      amountMinor: 12_000,
      currency: 'USD',
      occurredAt: sale,
    });
    const landing = await followLink(trail);
    await recordOrder(gql, landing, { id: 'today', amountMinor: 9_000, currency: 'USD', occurredAt: new Date() });
    const commissions = await gql<{ commissions: { edges: { node: { id: string; conversion: { orderId: string } } }[] } }>(
      `{ commissions(first: 10) { edges { node { id conversion { orderId } } } } }`,
    );
    const lastMonths = commissions.commissions.edges.find((e) => e.node.conversion.orderId === 'last-month')!.node.id;
    await gql(`mutation ($input: FinalizeCommissionsInput!) { finalizeCommissions(input: $input) { finalizedCount } }`, { input: { ids: [lastMonths] } });
  });

  it('her dashboard asks her to connect Stripe for the finalized $7.50, and charts last month’s earnings', async () => {
    const page = await s.newPage();
    await signInToPortal(page, ava);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

    const prompt = page.getByTestId('connect-stripe-prompt');
    await prompt.waitFor();
    expect(await prompt.getByTestId('waiting-for-stripe-USD').textContent()).toBe(await moneyInBrowser(page, 750));
    expect(await page.getByTestId('next-payout-amount-USD').textContent()).toBe(await moneyInBrowser(page, 750));
    expect(await page.getByTestId('next-payout-day').textContent()).toMatch(/^Trail: /);

    await page.getByTestId('range-preset').selectOption('last-month');
    expect(new URL(page.url()).searchParams.get('range')).toBe('last-month');
    const chart = page.getByTestId('earnings-chart-card');
    // Figures are fresh within a minute of the event.
    await expect
      .poll(async () => chart.getByRole('img').getAttribute('aria-label'), { timeout: 75_000, interval: 1_000 })
      .toMatch(new RegExp(`^Earnings per day, .+: total ${escape(await moneyInBrowser(page, 750))}; highest ${escape(await moneyInBrowser(page, 750))} \\(`));
    await chart.getByRole('button', { name: 'Show as table' }).click();
    const day = chart.locator(`[data-testid="earnings-chart-row"][data-start="${sale.toISOString().slice(0, 10)}T00:00:00.000Z"]`);
    expect(await day.locator('td').last().textContent()).toBe(await moneyInBrowser(page, 750));
    await chart.getByRole('button', { name: 'Show as chart' }).click();

    await shootDeskAndPhone(s, page, 'dashboard', () => chart.getByTestId('earnings-chart-plot').locator('canvas').waitFor());

    // The prompt leads to Get paid; Stripe's onboarding (the emulator's) sends her back connected.
    await prompt.getByTestId('connect-stripe-prompt-link').click();
    await page.waitForURL(/\/portal\/get-paid$/);
    await page.getByTestId('connect-stripe').click();
    await page.waitForURL(/\/portal\/get-paid\?onboarding=return$/);
    await page.locator('[data-testid="payout-account"][data-status="ENABLED"]').waitFor();
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('next-payout').waitFor();
    expect(await page.getByTestId('connect-stripe-prompt').count()).toBe(0);
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
