import type { Page } from 'playwright-core';

/** Signs in through an app's sign-in page and waits for its shell (`shell`: a test id in it). */
export async function signInThrough(page: Page, app: { path: string; shell: string }, credentials: { email: string; password: string }): Promise<void> {
  await page.goto(app.path);
  await page.getByTestId('sign-in-form').waitFor();
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId(app.shell).waitFor();
}
