import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { confirmFromOutbox } from './support/applicants.js';
import { signInToPortal } from './support/portal.js';
import { describeScenario, useScenario } from './support/scenario.js';

const june = { name: 'June Park', email: 'june@creators.example', password: 'june-portal-password' };
const SUBSCRIPTION = 'sub_e2e_june_1';
/** A browser's user agent: a click from Node's default one is logged as a bot's and never wins. */
const SHOPPER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describeScenario('an affiliate sees month 2 of 12 on a renewal and copies the promotion code', () => {
  const s = useScenario('affiliate-sees-a-renewal-and-copies-the-promotion-code');
  let owner: Record<string, string> = {};
  let campaignId = '';
  let affiliateId = '';

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, headers = owner) => {
    const res = await s.system.graphql<T>(query, variables, headers);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };

  it('the owner makes a program recurring for 12 months with a Stripe coupon, in the campaign form', async () => {
    const signIn = await gql<{ signIn: { token: string } }>(
      `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
      s.system.admin,
      {},
    );
    owner = { authorization: `Bearer ${signIn.signIn.token}` };
    const created = await gql<{ createCampaign: { id: string } }>(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
      input: {
        name: 'Membership Partners',
        slug: 'members',
        destinationUrl: 'https://shop.example/',
        currency: 'USD',
        commission: { type: 'PERCENTAGE', rateBps: 2000 },
      },
    });
    campaignId = created.createCampaign.id;

    const page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.goto(`/admin/campaigns/${campaignId}`);
    await page.getByTestId('campaign-form').waitFor();
    await page.getByLabel('Recurring payments').selectOption('MONTHS');
    await page.getByLabel('Months that earn').fill('12');
    await page.getByLabel('Stripe coupon').fill('PARTNER10');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('campaign-notice').waitFor();
    await page.reload();
    await page.getByTestId('campaign-form').waitFor();
    expect(await page.getByLabel('Recurring payments').inputValue()).toBe('MONTHS');
    expect(await page.getByLabel('Months that earn').inputValue()).toBe('12');
    expect(await page.getByLabel('Stripe coupon').inputValue()).toBe('PARTNER10');
    await s.shot(page, 'recurring campaign saved');
  });

  it('an approved affiliate brings a subscriber whose subscription renews once', async () => {
    const applied = await gql<{ submitApplication: { id: string } }>(
      `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
      { input: { campaignSlug: 'members', ...june, answers: [] } },
      {},
    );
    await confirmFromOutbox(s.system, june.email, june.password);
    const reviewed = await gql<{ reviewApplications: { results: { enrollment: { shareUrl: string } | null }[] } }>(
      `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareUrl } } } }`,
      { input: { ids: [applied.submitApplication.id], decision: 'APPROVE' } },
    );
    const res = await fetch(reviewed.reviewApplications.results[0]!.enrollment!.shareUrl, { redirect: 'manual', headers: { 'user-agent': SHOPPER_UA } });
    expect(res.status).toBe(302);
    const landing = new URL(res.headers.get('location')!).searchParams;

    // The first payment carries the click; the renewal a month later carries only the subscription.
    const firstPeriod = new Date(Date.now() - 31 * 86_400_000);
    const record = (input: Record<string, unknown>) =>
      gql<{ recordOrder: { conversion: { channel: string; commissionId: string | null } } }>(
        `mutation ($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { channel commissionId } } }`,
        { input },
      );
    // The order waits for every click served before it: the click just served counts.
    const first = await record({
      id: 'inv_1',
      amountMinor: 2_900,
      currency: 'USD',
      occurredAt: new Date().toISOString(),
      clickId: landing.get('sorae_click'),
      visitorId: landing.get('sorae_vid'),
      subscription: { id: SUBSCRIPTION, periodStart: firstPeriod.toISOString() },
    });
    expect(first.recordOrder.conversion.channel).toBe('AFFILIATE');
    const renewal = await record({
      id: 'inv_2',
      amountMinor: 2_900,
      currency: 'USD',
      occurredAt: new Date().toISOString(),
      subscription: {
        id: SUBSCRIPTION,
        periodStart: new Date(Date.UTC(firstPeriod.getUTCFullYear(), firstPeriod.getUTCMonth() + 1, firstPeriod.getUTCDate())).toISOString(),
      },
    });
    expect(renewal.recordOrder.conversion).toMatchObject({ channel: 'AFFILIATE', commissionId: expect.any(String) });
    const me = await gql<{ affiliates: { edges: { node: { id: string; email: string } }[] } }>(`{ affiliates(first: 10) { edges { node { id email } } } }`);
    affiliateId = me.affiliates.edges.find((e) => e.node.email === june.email)!.node.id;
  });

  it('the affiliate sees "Month 2 of 12" on the renewal and copies the promotion code from the dashboard', async () => {
    const page = await s.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.system.baseUrl });
    await signInToPortal(page, june);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

    const months = page.getByTestId('my-commission-month');
    await months.first().waitFor();
    expect(await months.allTextContents()).toEqual(['Month 2 of 12', 'Month 1 of 12']);

    const code = page.getByTestId('dashboard-promotion-code');
    const value = await code.getByTestId('dashboard-promotion-code-value').inputValue();
    expect(value).toMatch(/^[23456789A-HJKMNP-Z]{8}$/);
    await code.getByRole('button', { name: 'Copy' }).click();
    await code.getByText('Copied', { exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);
    await s.shot(page, 'renewal month and promotion code copied');

    // The code is the affiliate's at checkout too, in any case: an order that used it is theirs without a click.
    const sale = await gql<{ recordOrder: { conversion: { channel: string } } }>(
      `mutation ($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { channel } } }`,
      { input: { id: 'promo_1', amountMinor: 4_900, currency: 'USD', occurredAt: new Date().toISOString(), couponCode: value.toLowerCase() } },
    );
    expect(sale.recordOrder.conversion.channel).toBe('AFFILIATE');
  });

  it("the operator sees the promotion code on the affiliate's page and the subscription's chain of commissions", async () => {
    const page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.goto(`/admin/affiliates/${affiliateId}`);
    await page.getByTestId('enrollment-promotion-code').waitFor();
    expect(await page.getByTestId('enrollment-promotion-code').textContent()).toMatch(/^[23456789A-HJKMNP-Z]{8}$/);

    await page.goto('/admin/commissions');
    const renewalRow = page.getByTestId('commissions-row').filter({ hasText: 'inv_2' });
    await renewalRow.waitFor();
    expect(await renewalRow.getByTestId('commission-month').textContent()).toBe('Month 2 of 12');
    await renewalRow.getByTestId('commission-toggle').click();
    const details = page.getByTestId('commission-subscription');
    await details.waitFor();
    expect(await details.textContent()).toContain(`Month 2 of 12 of subscription ${SUBSCRIPTION}`);
    await page.getByTestId('commission-subscription-chain').click();
    await page.getByTestId('filter-subscription').waitFor();
    await expect.poll(() => page.getByTestId('commissions-row').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('commission-month').allTextContents()).toEqual(['Month 2 of 12', 'Month 1 of 12']);
    await s.shot(page, 'subscription chain');
  });
});
