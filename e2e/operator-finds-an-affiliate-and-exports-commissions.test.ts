import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { confirmFromOutbox } from './support/applicants.js';
import { describeScenario, useScenario } from './support/scenario.js';

const nora = { name: 'Nora Fairweather', email: 'nora.fairweather@makers.example', password: 'nora-portal-password' };
const ivan = { name: 'Ivan Petrov', email: 'ivan@studio.example', password: 'ivan-portal-password' };
const waiting = { name: 'Nora Waiting', email: 'nora.waiting@makers.example', password: 'waiting-password' };

describeScenario('the operator searches an affiliate by part of the email, filters by campaign, exports the commissions as CSV', () => {
  const s = useScenario('operator-finds-an-affiliate-and-exports-commissions');
  let owner: Record<string, string> = {};
  let page: Page;
  /** Nora's orders in the winter campaign: the rows the export must hold. */
  const noraWinterOrders: string[] = [];

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, headers = owner) => {
    const res = await s.system.graphql<T>(query, variables, headers);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  const campaign = (name: string, slug: string) =>
    gql(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
      input: { name, slug, destinationUrl: `https://shop.example.test/${slug}`, currency: 'USD', commission: { type: 'PERCENTAGE', rateBps: 1000 } },
    });
  /** Applies and confirms; approved unless `approve` is false. Returns the share URL. */
  const join = async (who: typeof nora, slug: string, approve = true) => {
    const applied = await gql<{ submitApplication: { id: string } }>(
      `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
      { input: { campaignSlug: slug, ...who, answers: [] } },
      {},
    );
    await confirmFromOutbox(s.system, who.email, who.password);
    if (!approve) return '';
    const reviewed = await gql<{ reviewApplications: { results: { enrollment: { shareUrl: string } | null }[] } }>(
      `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareUrl } } } }`,
      { input: { ids: [applied.submitApplication.id], decision: 'APPROVE' } },
    );
    return reviewed.reviewApplications.results[0]!.enrollment!.shareUrl;
  };
  /** A shopper follows the link and buys: an order carrying the click, recorded with an API key. */
  const sale = async (shareUrl: string, key: string, orderId: string) => {
    const res = await fetch(shareUrl, { redirect: 'manual' });
    await res.body?.cancel();
    const clickId = new URL(res.headers.get('location')!).searchParams.get('sorae_click');
    const recorded = await gql<{ recordOrder: { conversion: { channel: string } } }>(
      `mutation ($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { channel } } }`,
      { input: { id: orderId, amountMinor: 12_000, currency: 'USD', occurredAt: new Date().toISOString(), clickId } },
      { authorization: `Bearer ${key}` },
    );
    expect(recorded.recordOrder.conversion.channel).toBe('AFFILIATE');
  };

  it('two campaigns, affiliates with sales in both, and an applicant still waiting', async () => {
    const signIn = await gql<{ signIn: { token: string } }>(
      `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
      s.system.admin,
      {},
    );
    owner = { authorization: `Bearer ${signIn.signIn.token}` };
    const key = (await gql<{ createApiKey: { key: string } }>(`mutation { createApiKey(name: "store") { key } }`)).createApiKey.key;
    await campaign('Winter Sale', 'winter');
    await campaign('Summer Camp', 'summer');
    const noraWinter = await join(nora, 'winter');
    const noraSummer = await join(nora, 'summer');
    const ivanWinter = await join(ivan, 'winter');
    await join(waiting, 'winter', false);
    for (const id of ['W-1001', 'W-1002']) {
      await sale(noraWinter, key, id);
      noraWinterOrders.push(id);
    }
    await sale(noraSummer, key, 'S-2001');
    await sale(ivanWinter, key, 'W-1003');
  });

  it('on Affiliates, part of an email finds her, and an applicant not yet approved is not listed', async () => {
    page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.getByTestId('nav-affiliates').click();
    await page.getByRole('heading', { name: 'Affiliates', level: 1 }).waitFor();
    await page.getByTestId('affiliates-row').first().waitFor();
    expect(await page.getByTestId('affiliates-row').count()).toBe(2);

    await page.getByTestId('filter-search').fill('MAKERS.EX');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="affiliates-row"]').length === 1);
    expect(await page.getByTestId('affiliates-row').textContent()).toContain(nora.email);
    await page.getByTestId('filter-campaign').selectOption({ label: 'Summer Camp' });
    await page.waitForURL(/campaign=/);
    await page.getByTestId('affiliates-row').filter({ hasText: nora.email }).waitFor();
    await s.shot(page, 'affiliates searched and filtered');
  });

  it('on Commissions, the affiliate filter finds her as the operator types; with the campaign filter the export holds exactly the rows shown', async () => {
    await page.getByTestId('nav-commissions').click();
    await page.getByTestId('commission-filters').waitFor();
    await page.getByTestId('commissions-row').first().waitFor();
    expect(await page.getByTestId('commissions-row').count()).toBe(4);

    await page.getByTestId('filter-affiliate').fill('fairweather@');
    const option = page.getByTestId('affiliate-option');
    await option.first().waitFor();
    expect(await option.count()).toBe(1);
    await s.shot(page, 'affiliate type-ahead');
    await option.click();
    expect(await page.getByTestId('filter-affiliate-chosen').textContent()).toContain(`${nora.name} (${nora.email})`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="commissions-row"]').length === 3);
    await page.getByTestId('filter-campaign').selectOption({ label: 'Winter Sale' });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="commissions-row"]').length === 2);
    await s.shot(page, 'commissions filtered');

    const download = page.waitForEvent('download');
    await page.getByTestId('export-commissions').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`commissions-${new Date().toISOString().slice(0, 10)}.csv`);
    const csv = readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, '');
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    const columns = header!.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((cell, i) => [columns[i], cell])));
    expect(rows.map((r) => r.order_id).sort()).toEqual(noraWinterOrders);
    for (const r of rows)
      expect(r).toMatchObject({ affiliate_email: nora.email, affiliate_name: nora.name, campaign_name: 'Winter Sale', amount_minor: '1200', currency: 'USD' });
  });
});
