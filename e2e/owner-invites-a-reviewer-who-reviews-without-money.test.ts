import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { confirmFromOutbox } from './support/applicants.js';
import { mailedLink } from './support/outbox.js';
import { describeScenario, useScenario } from './support/scenario.js';

const rosa = { email: 'rosa.reviewer@merchant.example', name: 'Rosa Reviewer', password: 'rosa-reviews-applicants' };
const liam = { name: 'Liam Ortega', email: 'liam@creators.example', password: 'liam-portal-password' };

describeScenario('the owner invites a reviewer who accepts and can review but not see money', () => {
  const s = useScenario('owner-invites-a-reviewer-who-reviews-without-money');
  let owner: Page;
  let reviewer: Page;

  it('an applicant is waiting for review', async () => {
    const signIn = await s.system.graphql<{ signIn: { token: string } }>(`mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`, {
      e: s.system.admin.email,
      p: s.system.admin.password,
    });
    const headers = { authorization: `Bearer ${signIn.data!.signIn.token}` };
    const created = await s.system.graphql(
      `mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
      {
        input: {
          name: 'Trail Runners',
          slug: 'trail',
          destinationUrl: 'https://shop.example.test/trail',
          currency: 'EUR',
          commission: { type: 'PERCENTAGE', rateBps: 1000 },
        },
      },
      headers,
    );
    expect(created.errors).toBeUndefined();
    const applied = await s.system.graphql(`mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
      input: { campaignSlug: 'trail', ...liam, answers: [] },
    });
    expect(applied.errors).toBeUndefined();
    await confirmFromOutbox(s.system, liam.email);
  });

  it('the owner invites Rosa as a reviewer in Settings → Team', async () => {
    owner = await s.newPage();
    await signInToAdmin(owner, s.system.admin);
    await owner.goto('/admin/settings');
    const team = owner.getByTestId('team');
    await team.getByTestId('operators-row').first().waitFor();
    await team.getByTestId('invite-email').fill(rosa.email);
    await team.getByTestId('invite-role').selectOption('REVIEWER');
    await team.getByTestId('invite-submit').click();
    await team.getByTestId('invitation-sent').waitFor();
    const row = team.getByTestId('operators-row').filter({ hasText: rosa.email });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Not yet joined.*Invited, until/);
    expect(await row.getByTestId('operator-role').inputValue()).toBe('REVIEWER');
    await s.shot(owner, 'invitation pending');
  });

  it('Rosa opens the emailed invitation, names herself, chooses a password and lands in the admin', async () => {
    reviewer = await s.newPage();
    await reviewer.goto(await mailedLink(s.system, rosa.email, 'operatorInvitation', '/admin/accept-invitation#'));
    await reviewer.getByTestId('accept-invitation-form').waitFor();
    await reviewer.getByLabel('Your name').fill(rosa.name);
    await reviewer.getByLabel('New password', { exact: true }).fill(rosa.password);
    await reviewer.getByLabel('New password again').fill(rosa.password);
    await s.shot(reviewer, 'accepting');
    await reviewer.getByTestId('new-password-submit').click();
    expect(await reviewer.getByTestId('current-user').textContent()).toContain(rosa.name);
    expect(await reviewer.getByTestId('current-user').textContent()).toContain('reviewer');
  });

  it('Rosa approves the applicant', async () => {
    await reviewer.getByRole('link', { name: 'Applications', exact: true }).click();
    await reviewer.getByRole('checkbox', { name: `Select ${liam.name}` }).check();
    await reviewer.getByTestId('bulk-approve').click();
    const dialog = reviewer.getByTestId('review-dialog');
    await dialog.getByTestId('review-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await reviewer.getByTestId('review-summary').getByTestId('summary-approved').textContent()).toBe('1');
    await s.shot(reviewer, 'reviewer approved');
  });

  it('Rosa sees no money: no commissions, no earnings column, no outbox, no team', async () => {
    await reviewer.goto('/admin/commissions');
    await reviewer.getByTestId('commissions-forbidden').waitFor();
    await reviewer.goto('/admin/affiliates');
    await reviewer.getByTestId('affiliates-row').filter({ hasText: liam.name }).waitFor();
    expect((await reviewer.locator('table th').allTextContents()).join(' ')).not.toContain('Pending commission');
    expect(await reviewer.getByTestId('nav-outbox').count()).toBe(0);
    await reviewer.goto('/admin/settings');
    await reviewer.getByTestId('change-password-form').waitFor();
    expect(await reviewer.getByTestId('team').count()).toBe(0);
    expect(await reviewer.getByTestId('error-state').count()).toBe(0);
  });

  it('the owner sees Rosa joined; removing her (after a confirmation) signs her out', async () => {
    await owner.reload();
    const row = owner.getByTestId('team').getByTestId('operators-row').filter({ hasText: rosa.email });
    await row.filter({ hasText: rosa.name }).waitFor();
    expect(await row.textContent()).toContain('Active');
    await row.getByTestId('remove-operator').click();
    const dialog = owner.getByTestId('remove-operator-dialog');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    await reviewer.reload();
    await reviewer.getByTestId('sign-in-form').waitFor();
  });
});
