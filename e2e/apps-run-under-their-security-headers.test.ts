import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { signInToPortal } from './support/portal.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { confirmFromOutbox } from './support/applicants.js';
import { watchComplaints } from './support/page-checks.js';

const maya = { name: 'Maya Chen', email: 'maya@creators.example', password: 'maya-portal-password' };

describeScenario('operators and affiliates use the apps under a strict content security policy', () => {
  const s = useScenario('apps-run-under-their-security-headers');

  it('the admin app signs in and moves between pages with no CSP violation or console error', async () => {
    const page = await s.newPage();
    const complaints = await watchComplaints(page);
    await signInToAdmin(page, s.system.admin);
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Payouts' }).click();
    await page.getByRole('heading', { name: 'Payouts', level: 1 }).waitFor();
    await s.shot(page, 'admin payouts under the policy');
    expect(complaints).toEqual([]);
  });

  it('the portal signs an affiliate in and shows the dashboard with no CSP violation or console error', async () => {
    const signIn = await s.system.graphql<{ signIn: { token: string } }>(
      `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
      s.system.admin,
    );
    const owner = { authorization: `Bearer ${signIn.data!.signIn.token}` };
    const created = await s.system.graphql(
      `mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
      {
        input: {
          name: 'Partners',
          slug: 'partners',
          destinationUrl: 'https://shop.example.com/',
          currency: 'EUR',
          commission: { type: 'PERCENTAGE', rateBps: 1000 },
        },
      },
      owner,
    );
    expect(created.errors).toBeUndefined();
    const applied = await s.system.graphql(`mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
      input: { campaignSlug: 'partners', ...maya, answers: [] },
    });
    expect(applied.errors).toBeUndefined();
    await confirmFromOutbox(s.system, maya.email);

    const page = await s.newPage();
    const complaints = await watchComplaints(page);
    await signInToPortal(page, maya);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByTestId('nav-payouts').click();
    await page.getByRole('heading', { name: 'Payouts', level: 1 }).waitFor();
    await s.shot(page, 'portal payouts under the policy');
    expect(complaints).toEqual([]);
  });

  it('both apps send their protections, compressed hashed assets cached for a year, and no source maps', async () => {
    for (const app of ['admin', 'portal']) {
      const page = await fetch(`${s.system.baseUrl}/${app}/`);
      const html = await page.text();
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';.*frame-ancestors 'none'/);
      expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // nothing inline for the policy to refuse

      const script = html.match(/src="([^"]+\.js)"/)![1]!;
      const asset = await fetch(`${s.system.baseUrl}${script}`, { headers: { 'accept-encoding': 'br' } });
      await asset.arrayBuffer();
      expect(asset.headers.get('content-encoding')).toBe('br');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const map = await fetch(`${s.system.baseUrl}${script}.map`);
      await map.arrayBuffer();
      expect(map.status).toBe(404);
    }
  });
});
