import { expect, it } from 'vitest';
import { intakeField } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';

const PUBLIC_CAMPAIGN = `query ($slug: String!) {
  publicCampaign(slug: $slug) {
    name slug status acceptingApplications
    intakeFields { key label type required options min max helpText }
  }
}`;

describeScenario('operator signs in and creates a campaign with intake fields; its public definition is readable without signing in', () => {
  const s = useScenario('operator-creates-campaign');

  it('tells the whole story', async () => {
    const page = await s.newPage();

    // Signed out, the admin shows the sign-in page.
    await page.goto('/admin/campaigns');
    await page.getByTestId('sign-in-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await s.shot(page, 'sign-in page');

    // A wrong password is refused in place.
    await page.getByLabel('Email').fill(s.system.admin.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('form-error').waitFor();

    // The operator signs in and lands back on the campaigns they asked for: none yet.
    await page.getByLabel('Password').fill(s.system.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/campaigns');
    expect(await page.getByTestId('merchant-name').textContent()).toBe('E2E Outfitters');
    await page.getByTestId('campaigns-empty').waitFor();
    await s.shot(page, 'campaigns empty');

    // A new campaign: the slug follows the name.
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Summer Creators');
    expect(await page.getByLabel('Slug').inputValue()).toBe('summer-creators');
    await page.getByLabel('Destination URL').fill('https://shop.example.com/summer');
    await page.getByLabel('Currency').fill('usd');
    await page.getByLabel('Commission type').selectOption('PERCENTAGE');
    await page.getByLabel('Commission rate').fill('12.5');
    await page.getByLabel('Attribution window (days)').fill('45');
    await page.getByLabel('Hold period (days)').fill('14');
    await page.getByLabel('Minimum payout').fill('25.00');
    await page.getByLabel('Payout day of month').fill('15');
    await page.getByLabel('Show the rejection reason to applicants').check();

    // Four questions, one of them in the wrong place and one not wanted.
    const addField = page.getByRole('button', { name: '+ Add field' });
    await addField.click();
    let f = intakeField(page, 0);
    await f.label.fill('Audience size');
    await f.key.fill('audience_size');
    await f.type.selectOption('NUMBER');
    await f.min.fill('0');
    await f.max.fill('1000000');
    await f.required.check();

    await addField.click();
    f = intakeField(page, 1);
    await f.label.fill('Social profile');
    await f.key.fill('social_profile');
    await f.type.selectOption('URL');
    await f.helpText.fill('Where your audience follows you');
    await f.required.check();

    await addField.click();
    f = intakeField(page, 2);
    await f.label.fill('Fax number');
    await f.key.fill('fax');

    await addField.click();
    f = intakeField(page, 3);
    await f.label.fill('Content categories');
    await f.key.fill('social_profile'); // a mistake: the server must point at it
    await f.type.selectOption('MULTISELECT');
    await f.options.fill('Fashion\nBeauty\n\nTech');
    await f.max.fill('2');

    // Reorder (Social profile first) and remove the unwanted question.
    await intakeField(page, 1).moveUp.click();
    await intakeField(page, 2).remove.click();
    expect(
      await page.locator('[data-testid^="intake-field-"][data-testid$="-label"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['Social profile', 'Audience size', 'Content categories']);
    await s.shot(page, 'campaign form filled');

    // Saving with a duplicate key: the error shows next to that key, nothing is created.
    await page.getByRole('button', { name: 'Create campaign' }).click();
    const keyError = intakeField(page, 2).row.locator('.field__error');
    await keyError.waitFor();
    expect(await keyError.textContent()).toContain('duplicate key');
    expect(await intakeField(page, 2).key.getAttribute('aria-invalid')).toBe('true');
    expect(new URL(page.url()).pathname).toBe('/admin/campaigns/new');
    await s.shot(page, 'duplicate key error');

    await intakeField(page, 2).key.fill('categories');
    expect(await keyError.count()).toBe(0);
    await page.getByRole('button', { name: 'Create campaign' }).click();

    // The campaign page: saved, with the public application address.
    await page.getByTestId('campaign-notice').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/campaigns\/[^/]+$/);
    const link = page.getByTestId('application-url');
    expect(await link.getAttribute('href')).toBe(`${s.system.baseUrl}/portal/apply/summer-creators`);
    expect(await link.textContent()).toBe(`${s.system.baseUrl}/portal/apply/summer-creators`);
    await s.shot(page, 'campaign created');

    // What the editor shows after a reload is what the server stored.
    await page.reload();
    await page.getByTestId('campaign-form').waitFor();
    expect(await page.getByLabel('Commission rate').inputValue()).toBe('12.5');
    expect(await page.getByLabel('Minimum payout').inputValue()).toBe('25.00');
    expect(await page.getByLabel('Status').inputValue()).toBe('ACTIVE');
    expect(await intakeField(page, 0).key.inputValue()).toBe('social_profile');
    expect(await intakeField(page, 2).options.inputValue()).toBe('Fashion\nBeauty\nTech');

    // The list shows it.
    await page.getByRole('link', { name: 'Campaigns', exact: true }).first().click();
    const row = page.getByTestId('campaigns-row');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().textContent()).toContain('Summer Creators');
    expect(await row.first().textContent()).toContain('12.5%');
    await s.shot(page, 'campaign list');

    // Anyone can read the application form's definition, without signing in.
    const res = await s.system.graphql<{ publicCampaign: unknown }>(PUBLIC_CAMPAIGN, { slug: 'summer-creators' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.publicCampaign).toEqual({
      name: 'Summer Creators',
      slug: 'summer-creators',
      status: 'ACTIVE',
      acceptingApplications: true,
      intakeFields: [
        {
          key: 'social_profile',
          label: 'Social profile',
          type: 'URL',
          required: true,
          options: [],
          min: null,
          max: null,
          helpText: 'Where your audience follows you',
        },
        { key: 'audience_size', label: 'Audience size', type: 'NUMBER', required: true, options: [], min: 0, max: 1000000, helpText: null },
        {
          key: 'categories',
          label: 'Content categories',
          type: 'MULTISELECT',
          required: false,
          options: ['Fashion', 'Beauty', 'Tech'],
          min: null,
          max: 2,
          helpText: null,
        },
      ],
    });

    // …while the operator's own view of it is not public.
    const anonymous = await s.system.graphql(`{ campaigns(first: 5) { totalCount } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Signing out ends the session: the admin asks for a sign-in again.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByTestId('sign-in-form').waitFor();
    await page.goto('/admin/campaigns');
    await page.getByTestId('sign-in-form').waitFor();
    await s.shot(page, 'signed out');
  });
});
