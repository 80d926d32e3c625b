import type { Page } from 'playwright-core';

/** Signs in through the portal's sign-in page and waits for the app shell. */
export async function signInToPortal(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await page.goto('/portal/');
  await page.getByTestId('sign-in-form').waitFor();
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-affiliate').waitFor();
}
