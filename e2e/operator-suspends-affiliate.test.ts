import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { campaignWithAffiliate, ownerHeaders } from './support/applicants.js';

const ava = { name: 'Ava Lindqvist', email: 'ava@creators.example', password: 'ava-portal-password' };

describeScenario('an operator suspends an affiliate whose link then stops working, and reactivates it', () => {
  const s = useScenario('operator-suspends-affiliate');
  let owner: Record<string, string> = {};
  let affiliateId = '';
  let shareUrl = '';
  let page: Page;

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, headers = owner) => {
    const res = await s.system.graphql<T>(query, variables, headers);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  /** What a shopper following the link gets, without following the redirect. */
  const follow = async () => {
    const res = await fetch(shareUrl, { redirect: 'manual' });
    await res.body?.cancel();
    return res.status;
  };

  it('the merchant has a campaign and an approved affiliate whose link redirects', async () => {
    owner = await ownerHeaders(s.system);
    shareUrl = await campaignWithAffiliate(
      s.system,
      owner,
      {
        name: 'Autumn Drop',
        slug: 'autumn',
        destinationUrl: 'https://shop.example.test/autumn',
        currency: 'EUR',
        commission: { type: 'PERCENTAGE', rateBps: 1000 },
      },
      ava,
    );
    const affiliates = await gql<{ affiliates: { edges: { node: { id: string; email: string } }[] } }>(
      `{ affiliates(first: 10) { edges { node { id email } } } }`,
    );
    affiliateId = affiliates.affiliates.edges.find((e) => e.node.email === ava.email)!.node.id;
    expect(await follow()).toBe(302);
  });

  it('the operator suspends the link on the affiliate’s page, and it answers 404 at once', async () => {
    page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.goto(`/admin/affiliates/${affiliateId}`);
    const row = page.getByTestId('affiliate-enrollments-row');
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('Autumn Drop');
    expect(await row.getByTestId('enrollment-share-url-value').inputValue()).toBe(shareUrl);
    expect(await row.getByTestId('enrollment-status').getAttribute('data-status')).toBe('ACTIVE');

    await row.getByTestId('enrollment-suspend').click();
    const dialog = page.getByTestId('enrollment-status-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('stops redirecting at once');
    expect(await dialog.textContent()).toContain('no longer win attribution');
    await s.shot(page, 'confirm suspension');
    await dialog.getByTestId('enrollment-status-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByTestId('enrollment-status').and(page.locator('[data-status="SUSPENDED"]')).waitFor();
    await s.shot(page, 'suspended');

    expect(await follow()).toBe(404);
  });

  it('the operator reactivates it, and the link redirects again', async () => {
    const row = page.getByTestId('affiliate-enrollments-row');
    await row.getByTestId('enrollment-reactivate').click();
    const dialog = page.getByTestId('enrollment-status-dialog');
    await dialog.getByTestId('enrollment-status-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByTestId('enrollment-status').and(page.locator('[data-status="ACTIVE"]')).waitFor();
    expect(await row.getByTestId('enrollment-suspend').isVisible()).toBe(true);

    expect(await follow()).toBe(302);
  });
});
