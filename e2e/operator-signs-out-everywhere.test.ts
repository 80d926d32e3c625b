import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';

describeScenario('operator signed in on two devices signs out everywhere from one of them', () => {
  const s = useScenario('operator-signs-out-everywhere');

  it('tells the whole story', async () => {
    // The same operator on a laptop and on a phone (two browsers, their own cookies).
    const laptop = await s.newPage();
    const phone = await s.newPage();
    for (const page of [laptop, phone]) {
      await page.goto('/admin/campaigns');
      await signInToAdmin(page, s.system.admin);
      await page.goto('/admin/campaigns'); // signing in lands on the overview
      await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    }
    await s.shot(phone, 'signed in on the phone');

    // The phone is lost to someone else's hands: from the laptop, sign out everywhere.
    await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
    await laptop.getByTestId('sign-in-form').waitFor();
    await s.shot(laptop, 'laptop signed out');

    // The phone's session is over too: its next page asks for a sign-in.
    await phone.getByTestId('nav-payouts').click();
    await phone.reload();
    await phone.getByTestId('sign-in-form').waitFor();
    expect(new URL(phone.url()).pathname).toBe('/admin/sign-in');
    await s.shot(phone, 'phone signed out');

    // Signing in again works as before.
    await signInToAdmin(laptop, s.system.admin);
    await laptop.getByTestId('current-user').waitFor();
  });
});
