import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { confirmFromOutbox } from './support/applicants.js';
import { joinTeam } from './support/team.js';

const reviewer = { email: 'rosa.reviewer@merchant.example', password: 'rosa-reviews-applicants' };
const zoe = { name: 'Zoe Marchetti', email: 'zoe@creators.example', password: 'zoe-portal-password' };

describeScenario('a reviewer opens the affiliates and sees their traffic but no money, and no error', () => {
  const s = useScenario('reviewer-sees-affiliates-without-money');
  let owner: Record<string, string> = {};
  let affiliateId = '';
  let page: Page;

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, headers = owner) => {
    const res = await s.system.graphql<T>(query, variables, headers);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };

  it('the merchant has an approved affiliate and a REVIEWER on the team', async () => {
    const signIn = await gql<{ signIn: { token: string } }>(
      `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
      s.system.admin,
      {},
    );
    owner = { authorization: `Bearer ${signIn.signIn.token}` };
    await gql(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
      input: {
        name: 'Winter Edit',
        slug: 'winter',
        destinationUrl: 'https://shop.example.test/winter',
        currency: 'EUR',
        commission: { type: 'PERCENTAGE', rateBps: 1000 },
      },
    });
    const applied = await gql<{ submitApplication: { id: string } }>(
      `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
      { input: { campaignSlug: 'winter', ...zoe, answers: [] } },
      {},
    );
    await confirmFromOutbox(s.system, zoe.email);
    await gql(`mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount } }`, {
      input: { ids: [applied.submitApplication.id], decision: 'APPROVE' },
    });
    const affiliates = await gql<{ affiliates: { edges: { node: { id: string; email: string } }[] } }>(
      `{ affiliates(first: 10) { edges { node { id email } } } }`,
    );
    affiliateId = affiliates.affiliates.edges.find((e) => e.node.email === zoe.email)!.node.id;
    await joinTeam(s.system, { ...reviewer, name: 'Rosa', role: 'REVIEWER' });
  });

  it('the reviewer sees the affiliates list with clicks and conversions, and no money column', async () => {
    page = await s.newPage();
    await signInToAdmin(page, reviewer);
    await page.goto('/admin/affiliates');
    const row = page.getByTestId('affiliates-row');
    await row.waitFor();
    expect(await row.textContent()).toContain(zoe.name);
    const headers = await page.locator('table th').allTextContents();
    expect(headers.join(' ')).toContain('Clicks');
    expect(headers.join(' ')).not.toContain('Pending commission');
    expect(await page.getByTestId('error-state').count()).toBe(0);
    await s.shot(page, 'reviewer affiliates list');
  });

  it("on the affiliate's page the reviewer sees traffic, not earnings, and still no error", async () => {
    await page.goto(`/admin/affiliates/${affiliateId}`);
    await page.getByTestId('stat-clicks').waitFor();
    expect(await page.getByTestId('stat-pending').count()).toBe(0);
    expect(await page.getByTestId('payout-readiness').count()).toBe(0);
    await page.getByTestId('affiliate-conversions-empty').waitFor();
    await page.getByTestId('affiliate-commissions-forbidden').waitFor();
    expect(await page.getByTestId('error-state').count()).toBe(0);
    await s.shot(page, 'reviewer affiliate page');
  });

  it('the owner sees the money the reviewer does not', async () => {
    const ownerPage = await s.newPage();
    await signInToAdmin(ownerPage, s.system.admin);
    await ownerPage.goto(`/admin/affiliates/${affiliateId}`);
    await ownerPage.getByTestId('stat-pending').waitFor();
    await ownerPage.getByTestId('payout-readiness').waitFor();
  });
});
