import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { mailedLink } from './support/outbox.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { joinTeam } from './support/team.js';

const fatima = { email: 'fatima.finance@merchant.example', name: 'Fatima', password: 'fatima-counts-the-money', role: 'FINANCE' as const };
const NEW_PASSWORD = 'lanterns over the harbour';

describeScenario('an operator who forgot the password resets it from the email', () => {
  const s = useScenario('operator-who-forgot-the-password-resets-it-from-the-email');
  let laptop: Page;

  it('Fatima is on the team and signed in on her laptop', async () => {
    await joinTeam(s.system, fatima);
    laptop = await s.newPage();
    await signInToAdmin(laptop, fatima);
  });

  it('on her phone she follows "Forgot password?" and asks for a link; an unknown address is answered the same', async () => {
    const page = await s.newPage();
    await page.goto('/admin/sign-in');
    await page.getByTestId('forgot-password-link').click();
    await page.getByTestId('forgot-password-form').waitFor();
    expect(await page.title()).toBe('Forgot your password? · Sorae Admin');
    await page.getByLabel('Email').fill(fatima.email);
    await page.getByTestId('forgot-password-submit').click();
    const answer = await page.getByTestId('reset-requested').textContent();
    expect(answer).toContain(fatima.email);
    await s.shot(page, 'link requested');

    const stranger = await s.newPage();
    await stranger.goto('/admin/forgot-password');
    await stranger.getByLabel('Email').fill('nobody@merchant.example');
    await stranger.getByTestId('forgot-password-submit').click();
    expect(await stranger.getByTestId('reset-requested').textContent()).toBe(answer!.replace(fatima.email, 'nobody@merchant.example'));
  });

  it('she opens the emailed link, is refused a weak password, chooses a good one and signs in with it', async () => {
    const link = await mailedLink(s.system, fatima.email, 'passwordReset', '/admin/reset-password#');
    const page = await s.newPage();
    await page.goto(link);
    await page.getByTestId('reset-password-form').waitFor();
    await page.getByLabel('New password', { exact: true }).fill('password1234');
    await page.getByLabel('New password again').fill('password1234');
    await page.getByTestId('new-password-submit').click();
    await page.getByText('is too common').waitFor();
    await s.shot(page, 'weak password refused');

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByTestId('new-password-submit').click();
    await page.getByTestId('password-reset-done').waitFor();
    await s.shot(page, 'password changed');
    await page.getByTestId('sign-in-link').click();
    await page.getByTestId('sign-in-form').waitFor();
    await page.getByLabel('Email').fill(fatima.email);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByTestId('current-user').textContent()).toContain('Fatima');

    // The link worked once.
    const again = await s.newPage();
    await again.goto(link);
    await again.getByLabel('New password', { exact: true }).fill('another good passphrase');
    await again.getByLabel('New password again').fill('another good passphrase');
    await again.getByTestId('new-password-submit').click();
    expect(await again.getByTestId('form-error').textContent()).toContain('expired or was already used');
  });

  it('the reset signed her laptop out; the old password no longer works', async () => {
    await laptop.reload();
    await laptop.getByTestId('sign-in-form').waitFor();
    await laptop.getByLabel('Email').fill(fatima.email);
    await laptop.getByLabel('Password').fill(fatima.password);
    await laptop.getByRole('button', { name: 'Sign in' }).click();
    await laptop.getByText('do not match').waitFor();
  });

  it('signed in, she changes her password again in Settings, staying signed in', async () => {
    const page = await s.newPage();
    await signInToAdmin(page, { email: fatima.email, password: NEW_PASSWORD });
    await page.goto('/admin/settings');
    expect(await page.getByTestId('team').count()).toBe(0);
    const form = page.getByTestId('change-password-form');
    await form.getByLabel('Current password').fill(NEW_PASSWORD);
    await form.getByLabel('New password', { exact: true }).fill('quiet lighthouse keeper');
    await form.getByLabel('New password again').fill('quiet lighthouse keeper');
    await form.getByTestId('change-password-submit').click();
    await page.getByTestId('password-changed').waitFor();
    await s.shot(page, 'password changed in settings');
    await page.reload();
    await page.getByTestId('current-user').waitFor();
  });
});
