import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { intakeField, signInToAdmin } from './support/admin.js';
import { confirmationLink } from './support/applicants.js';
import { describeScenario, useScenario } from './support/scenario.js';

const LOGO = 'https://cdn.trailhead.example/logo.png';
const DESCRIPTION = 'Outdoor creators earn on every tent, pack and stove their audience buys.';

describeScenario("operator describes a program; an applicant reads its terms, under the merchant's name and logo, before applying", () => {
  const s = useScenario('applicant-reads-the-program-terms-before-applying');
  let applicationUrl = '';
  let applicant: Page;

  it('the operator sets the terms, the description and the brand in the campaign form; question keys follow their labels; leaving unsaved asks first', async () => {
    const page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.goto('/admin/campaigns/new');
    await page.getByTestId('campaign-form').waitFor();
    expect(await page.title()).toBe('New campaign · Sorae Admin');
    await page.getByLabel('Name', { exact: true }).fill('Trail Partners');
    await page.getByLabel('Destination URL').fill('https://shop.trailhead.example/');
    await page.getByLabel('Description').fill(DESCRIPTION);
    await page.getByLabel('Offered by').fill('Trailhead Outfitters');
    await page.getByLabel('Logo URL').fill(LOGO);
    await page.getByLabel('Commission rate').fill('12.5');
    await page.getByLabel('Attribution window (days)').fill('45');
    await page.getByLabel('Hold period (days)').fill('14');
    await page.getByLabel('Minimum payout').fill('50');
    await page.getByLabel('Payout day of month').fill('5');
    await page.getByTestId('add-intake-field').click();
    const q = intakeField(page, 0);
    await q.label.fill('Audience size (followers)');
    expect(await q.key.inputValue()).toBe('audience_size_followers');
    await q.type.selectOption('NUMBER');

    // Leaving with edits asks; staying keeps them.
    await page.getByTestId('nav-applications').click();
    await page.getByTestId('unsaved-changes').waitFor();
    await s.shot(page, 'unsaved-changes-prompt');
    await page.getByTestId('unsaved-changes-stay').click();
    expect(page.url()).toMatch(/\/admin\/campaigns\/new$/);
    expect(await page.getByLabel('Description').inputValue()).toBe(DESCRIPTION);

    // Saving moves on to the campaign without asking.
    await page.getByTestId('campaign-save').click();
    await page.getByTestId('campaign-notice').waitFor();
    expect(await page.getByTestId('unsaved-changes').count()).toBe(0);
    expect(await page.title()).toBe('Trail Partners · Sorae Admin');
    applicationUrl = (await page.getByTestId('application-url').textContent())!;
    expect(applicationUrl).toMatch(/\/portal\/apply\/trail-partners$/);

    // A logo must be https: the form shows the server's refusal beside the input.
    await page.getByLabel('Logo URL').fill('http://cdn.trailhead.example/logo.png');
    await page.getByTestId('campaign-save').click();
    await page
      .locator('.field', { has: page.getByLabel('Logo URL') })
      .locator('.field__error')
      .waitFor();
    expect(
      await page
        .locator('.field', { has: page.getByLabel('Logo URL') })
        .locator('.field__error')
        .textContent(),
    ).toBe('must be an https:// URL');
  });

  it('the applicant reads what the program pays, for how long and when, then applies', async () => {
    const page = (applicant = await s.newPage());
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await page.goto(applicationUrl);
    await page.getByTestId('apply-campaign-name').waitFor();
    await s.shot(page, 'public-page-with-terms');
    expect(await page.title()).toBe('Apply: Trail Partners · Sorae Partner Portal');
    expect(await page.getByTestId('brand').textContent()).toBe('Trailhead Outfitters');
    expect(await page.getByTestId('brand-logo').getAttribute('src')).toBe(LOGO);
    expect(await page.getByTestId('apply-description').textContent()).toBe(DESCRIPTION);
    expect(await page.getByTestId('terms-commission').textContent()).toBe('12.5% of each order you refer');
    expect(await page.getByTestId('terms-window').textContent()).toBe('Orders within 45 days of a click on your link count');
    expect(await page.getByTestId('terms-hold').textContent()).toBe('14 days, while refunds can still change a commission');
    expect(await page.getByTestId('terms-payouts').textContent()).toBe(
      'Monthly, on the 5th, through Stripe, once you have earned at least $50.00 (smaller balances wait for the next month)',
    );
    // The logo's https origin is allowed by the page's CSP (it does not load here: no network).
    expect(refused).toEqual([]);

    const form = page.getByTestId('apply-form');
    await form.getByLabel('Audience size (followers)').fill('48000');
    await form.getByLabel('Your name').fill('Rowan Hale');
    await form.getByLabel('Email', { exact: false }).fill('rowan@trail.example');
    await form.getByLabel('Password').fill('rowan-portal-password');
    await form.getByTestId('apply-submit').click();
    await page.getByTestId('apply-check-email').waitFor();
    await page.goto(await confirmationLink(s.system, 'rowan@trail.example'));
    await page.getByRole('heading', { name: 'My applications', level: 1 }).waitFor();

    // In the portal, the new applicant is greeted as one, under the program's brand.
    await page.goto('/portal/');
    await page.getByTestId('dashboard-greeting').waitFor();
    expect(await page.getByTestId('dashboard-greeting').textContent()).toBe(
      'Welcome, Rowan Hale. Your application to Trail Partners is under review; your share link appears here once you are approved.',
    );
    await page.getByTestId('brand').filter({ hasText: 'Trailhead Outfitters' }).waitFor();
    expect(await page.title()).toBe('Dashboard · Sorae Partner Portal');
  });

  it('approved, she finds the same terms on her dashboard, under the name and logo the program is offered by', async () => {
    const signIn = await s.system.graphql<{ signIn: { token: string } }>(
      `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
      s.system.admin,
    );
    const reviewed = await s.system.graphql<{ reviewApplications: { approvedCount: number } }>(
      `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount } }`,
      { input: { filter: { status: 'SUBMITTED' }, decision: 'APPROVE' } },
      { authorization: `Bearer ${signIn.data!.signIn.token}` },
    );
    expect(reviewed.data?.reviewApplications.approvedCount).toBe(1);

    const page = applicant;
    await page.goto('/portal/');
    const terms = page.getByTestId('dashboard-terms');
    await terms.locator('summary').click();
    await terms.getByTestId('terms-offered-by').waitFor();
    await s.shot(page, 'dashboard-program-terms');
    expect(await terms.getByTestId('terms-offered-by').textContent()).toBe('Offered by Trailhead Outfitters');
    expect(await terms.locator('img').getAttribute('src')).toBe(LOGO);
    expect(await terms.textContent()).toContain(DESCRIPTION);
    expect(await terms.getByTestId('terms-commission').textContent()).toBe('12.5% of each order you refer');
    expect(await terms.getByTestId('terms-window').textContent()).toBe('Orders within 45 days of a click on your link count');
    expect(await terms.getByTestId('terms-hold').textContent()).toBe('14 days, while refunds can still change a commission');
    expect(await terms.getByTestId('terms-payouts').textContent()).toContain('on the 5th');
  });
});
