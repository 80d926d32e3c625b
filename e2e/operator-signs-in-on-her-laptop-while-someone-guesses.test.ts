import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';

const SIGN_IN = `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`;

describeScenario('operator signs in on her laptop while someone guesses her password', () => {
  const s = useScenario('operator-signs-in-while-guessed', { env: { SIGNIN_LIMIT_PER_EMAIL: '3', SIGNIN_DELAY_MAX_SECONDS: '300' } });

  it('tells the whole story', async () => {
    // The owner has signed in on her laptop before, and signed out. She and someone on a browser
    // that never signed in to her account fill in the sign-in form with her password.
    const laptop = await s.newPage();
    await signInToAdmin(laptop, s.system.admin);
    await laptop.getByRole('button', { name: 'Sign out', exact: true }).click();
    const borrowed = await s.newPage();
    await borrowed.goto('/admin/');
    for (const page of [laptop, borrowed]) {
      await page.getByTestId('sign-in-form').waitFor();
      await page.getByLabel('Email').fill(s.system.admin.email);
      await page.getByLabel('Password').fill(s.system.admin.password);
    }

    // Meanwhile someone guesses her password as fast as the server lets them, until each guess waits 16 s.
    const guess = async (password: string) => {
      const answer = await s.system.graphql(SIGN_IN, { email: s.system.admin.email, password });
      return { code: answer.errors?.[0]?.extensions?.code, wait: answer.errors?.[0]?.extensions?.retryAfterSeconds ?? 0 };
    };
    for (let i = 0, wait = 0; wait < 16; i++) {
      const answer = await guess(`guess-${i}-password`);
      expect(answer.code).toMatch(/^(UNAUTHENTICATED|RATE_LIMITED)$/);
      wait = answer.wait;
      if (wait && wait < 16) await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }

    // The browser that never signed in waits like the guesser, even with her password.
    await borrowed.getByRole('button', { name: 'Sign in' }).click();
    await borrowed.getByText(/Too many attempts: try again in \d+ s/).waitFor();
    await s.shot(borrowed, 'a new browser waits');

    // Her laptop is a known device: its sign-in is counted apart from the guesses and goes through at once.
    await laptop.getByRole('button', { name: 'Sign in' }).click();
    await laptop.getByTestId('current-user').waitFor();
    await s.shot(laptop, 'signed in on the laptop');
    // The guesser still waits.
    expect((await guess('last-guess-password')).code).toBe('RATE_LIMITED');
  });
});
